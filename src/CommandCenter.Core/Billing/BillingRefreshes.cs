namespace CommandCenter.Billing;

/// <summary>
/// Refreshes of one month of one tenant are coalesced instead of queued: at most one runs, and at most one waits behind
/// it, shared by everyone who asks meanwhile (keyed by tenant, month and "sync first"; invariant 7). Who joins what:
/// <list type="bullet">
/// <item>The review page's button joins the refresh already running for that month: the user who clicks while one runs
/// sees it finish and gets its result (counts read a moment before the click; a sync landing after that updates the
/// page on its own, as every landed sync does).</item>
/// <item>A caller that needs counts read after its request (the API, which automation calls right after writing data)
/// joins the refresh waiting to start, or makes one that starts when the running one is done.</item>
/// </list>
/// The refresh itself runs once, on its own context and without any caller's cancellation: a caller that gives up
/// stops waiting, the others still get the result.
/// </summary>
public sealed class BillingRefreshes
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(Guid TenantId, DateOnly Period, bool SyncFirst), Slot> _slots = [];

    private sealed class Slot
    {
        public Flight? Running;
        public Flight? Waiting;
    }

    private sealed class Flight(Func<Task<RunView>> work)
    {
        public Func<Task<RunView>> Work { get; } = work;
        public TaskCompletionSource<RunView> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>How many refreshes actually ran (a measure for tests and logs).</summary>
    public int Runs => Volatile.Read(ref _runs);

    private int _runs;

    /// <param name="work">The refresh, run only when this caller's request starts a new one.</param>
    /// <param name="joinRunning">True to take the result of a refresh already under way; false to get one that starts after this call.</param>
    public Task<RunView> RefreshAsync(Guid tenantId, BillingPeriod period, bool syncFirst, bool joinRunning, Func<Task<RunView>> work, CancellationToken cancellationToken)
    {
        var key = (tenantId, period.Start, syncFirst);
        Flight flight;
        var start = false;
        lock (_gate)
        {
            if (!_slots.TryGetValue(key, out var slot))
            {
                slot = new Slot();
                _slots[key] = slot;
            }

            if (slot.Running is null)
            {
                flight = slot.Running = new Flight(work);
                start = true;
            }
            else if (joinRunning)
            {
                flight = slot.Running;
            }
            else
            {
                flight = slot.Waiting ??= new Flight(work);
            }
        }

        if (start)
        {
            Start(key, flight);
        }

        return flight.Result.Task.WaitAsync(cancellationToken);
    }

    private void Start((Guid, DateOnly, bool) key, Flight flight)
    {
        Interlocked.Increment(ref _runs);
        // On the thread pool: not on the first caller's circuit, so its render loop and disposal do not hold the others up.
        _ = Task.Run(async () =>
        {
            try
            {
                flight.Result.TrySetResult(await flight.Work());
            }
            catch (Exception e)
            {
                flight.Result.TrySetException(e);
            }
            finally
            {
                Flight? next;
                lock (_gate)
                {
                    var slot = _slots[key];
                    next = slot.Running = slot.Waiting;
                    slot.Waiting = null;
                    if (next is null)
                    {
                        _slots.Remove(key);
                    }
                }

                if (next is not null)
                {
                    Start(key, next);
                }
            }
        }, CancellationToken.None);
    }
}
