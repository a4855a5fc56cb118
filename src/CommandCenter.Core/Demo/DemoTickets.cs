using CommandCenter.Persistence;
using CommandCenter.Psa;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Demo;

/// <summary>
/// Demo PSA data: a realistic month and a half of tickets and time across the demo clients — most closed and
/// classified as their plan suggests, some still open (their time shows as unclassified), block-hour clients with a
/// prepaid block. Deterministic for a given seed, dated relative to "now".
/// </summary>
internal static class DemoTickets
{
    private static readonly string[] Technicians = [DemoSeeder.TechnicianEmail, "alex.rivera@demo.local", "sam.chen@demo.local"];

    private static readonly string[] Subjects =
    [
        "Printer offline in reception", "New starter laptop setup", "Outlook keeps asking for password", "VPN drops every hour",
        "Replace failing disk on file server", "MFA reset for user", "Shared mailbox permissions", "Wi-Fi slow in warehouse",
        "Install line-of-business app update", "Phishing email reported", "Backup job failed overnight", "Move user to new OneDrive",
        "Firewall firmware update", "Teams meeting room not joining", "Offboard leaving employee", "Scanner to email not working",
        "Server reboot after patching", "Add user to distribution list", "Replace UPS battery", "Migrate QuickBooks to new PC",
    ];

    public static async Task<(int Tickets, int Entries, int Blocks)> AddAsync(AppDbContext db, IReadOnlyList<ClientSpec> specs, DateTime now, int seed, CancellationToken cancellationToken)
    {
        var rng = new Random(seed);
        var clients = await db.Clients.AsNoTracking().Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Name, c => c.Id, cancellationToken);
        var today = DateOnly.FromDateTime(now);
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var previousStart = monthStart.AddMonths(-1);
        var number = 1000;
        int tickets = 0, entries = 0, blocks = 0;
        foreach (var spec in specs)
        {
            var clientId = clients[spec.Name];
            if (spec.Plan == ServicePlan.BlockHours)
            {
                db.HourBlocks.Add(new HourBlock
                {
                    ClientId = clientId, Hours = 10, Price = 1250m, PurchasedOn = previousStart.AddDays(-rng.Next(10, 60)),
                    ExpiresOn = previousStart.AddYears(1), OverageRate = spec.HourlyRate, CreatedUtc = now,
                });
                blocks++;
            }

            var count = spec.Size switch { ClientSize.Large => rng.Next(5, 9), ClientSize.Mid => rng.Next(3, 6), _ => rng.Next(1, 4) };
            for (var i = 0; i < count; i++)
            {
                var days = Math.Max(1, (today.DayNumber - previousStart.DayNumber) + 1);
                var opened = previousStart.AddDays(rng.Next(0, days));
                var technician = Technicians[rng.Next(Technicians.Length)];
                // Recent tickets are more often still open; a few of those already carry time (unclassified until closed).
                var open = opened >= today.AddDays(-6) ? rng.NextDouble() < 0.7 : rng.NextDouble() < 0.05;
                var billingClass = spec.Plan switch
                {
                    ServicePlan.TimeAndMaterials => rng.NextDouble() < 0.85 ? BillingClass.Billable : BillingClass.NonBillable,
                    ServicePlan.BlockHours => rng.NextDouble() < 0.85 ? BillingClass.BlockHour : BillingClass.Included,
                    _ => rng.NextDouble() switch { < 0.72 => BillingClass.Included, < 0.9 => BillingClass.Billable, < 0.95 => BillingClass.Project, _ => BillingClass.NonBillable },
                };
                var ticket = new Ticket
                {
                    ClientId = clientId,
                    Number = ++number,
                    Subject = Subjects[rng.Next(Subjects.Length)],
                    Technician = technician,
                    Status = open ? TicketStatus.Open : TicketStatus.Closed,
                    OpenedUtc = opened.ToDateTime(new TimeOnly(8 + rng.Next(0, 9), rng.Next(0, 60)), DateTimeKind.Utc),
                    BillingClass = open ? null : billingClass,
                };
                var entryCount = open && rng.NextDouble() < 0.4 ? 0 : rng.Next(1, 4);
                var workDate = opened;
                for (var e = 0; e < entryCount; e++)
                {
                    ticket.TimeEntries.Add(new TimeEntry
                    {
                        Technician = technician,
                        WorkDate = workDate,
                        Minutes = rng.Next(1, 13) * 10 + (rng.NextDouble() < 0.3 ? 5 : 0),
                        Notes = e == 0 ? "Remote session; investigated and fixed." : "Follow-up and confirmation with the user.",
                        BillingClass = ticket.BillingClass,
                        CreatedUtc = now,
                    });
                    workDate = workDate.AddDays(rng.Next(0, 3)) is var next && next <= today ? next : today;
                }

                if (!open)
                {
                    var closedOn = workDate > opened ? workDate : opened;
                    var closedUtc = closedOn.ToDateTime(new TimeOnly(17, 30), DateTimeKind.Utc);
                    ticket.ClosedUtc = closedUtc > now ? now : closedUtc;
                    ticket.ClosedBy = technician;
                }

                db.Tickets.Add(ticket);
                tickets++;
                entries += ticket.TimeEntries.Count;
            }
        }

        // Every time-and-materials client has billable work closed this month (whatever day the demo starts), so each of
        // the month's invoices has something to bill and to post; the random tickets above may leave one with none.
        var added = db.ChangeTracker.Entries<Ticket>().Select(e => e.Entity).ToList();
        foreach (var spec in specs.Where(s => s.Plan == ServicePlan.TimeAndMaterials))
        {
            var clientId = clients[spec.Name];
            if (added.Any(t => t.ClientId == clientId && t.Status == TicketStatus.Closed && t.BillingClass == BillingClass.Billable && t.TimeEntries.Any(e => e.WorkDate >= monthStart)))
            {
                continue;
            }

            var opened = Min(today.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc), now);
            var ticket = new Ticket
            {
                ClientId = clientId,
                Number = ++number,
                Subject = "New hire: laptop, printer and mailbox set up",
                Technician = Technicians[0],
                Status = TicketStatus.Closed,
                OpenedUtc = opened,
                BillingClass = BillingClass.Billable,
                ClosedUtc = Min(today.ToDateTime(new TimeOnly(11, 15), DateTimeKind.Utc), now),
                ClosedBy = Technicians[0],
            };
            ticket.TimeEntries.Add(new TimeEntry
            {
                Technician = Technicians[0], WorkDate = today, Minutes = 75, Notes = "Onsite set up of the new starter's workstation and accounts.",
                BillingClass = BillingClass.Billable, CreatedUtc = now,
            });
            db.Tickets.Add(ticket);
            tickets++;
            entries++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return (tickets, entries, blocks);
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
