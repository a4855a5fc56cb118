using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace CommandCenter.Benchmarks;

/// <summary>
/// What the page scenarios (<c>review-page</c>, <c>review-load</c>) share: building and starting the app as its own
/// process on a benchmark database (demo mode off), waiting for it, its peak memory, and Chromium with a signed-in context.
/// </summary>
internal static class AppUnderTest
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>
    /// Evaluated in the page on every animation frame with a row selector: the page's own clock (performance.now()
    /// counts from the navigation's start) at the first frame where the layout's interactive marker exists and the first
    /// row is visible.
    /// </summary>
    public const string ReadyScript =
        """
        (row) => {
            const marker = document.querySelector('[data-testid=interactive]');
            const first = document.querySelector(row);
            return marker && first && first.checkVisibility() ? performance.now() : false;
        }
        """;

    /// <param name="nice">
    /// Above 0: the browser and every process it starts run at this Linux nice value (through a <c>nice</c> wrapper), so
    /// the browsers that stand in for users' machines take only the CPU the app leaves them instead of competing with it.
    /// </param>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright, int nice = 0) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = nice > 0 ? NiceWrapper(nice) : ChromiumPath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    });

    private static string NiceWrapper(int nice)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cc-bench-chromium-nice{nice}.sh");
        File.WriteAllText(path, $"#!/bin/sh\nexec nice -n {nice} {ChromiumPath} \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    public static async Task<bool> BuildAsync(string web)
    {
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { "build", "-c", "Release", "--nologo", "-v", "q", web } };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        await process.WaitForExitAsync();
        return process.ExitCode == 0;
    }

    public static async Task SignInAsync(IBrowserContext context, string email, string password)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login", new PageGotoOptions { Timeout = 120_000 });
        await page.Locator("[data-testid=signin-email]").FillAsync(email);
        await page.Locator("[data-testid=signin-password]").FillAsync(password);
        // The click waits for the navigation it starts (the home page after sign-in): on a shared, busy machine that can
        // take longer than Playwright's default 30 s.
        await page.Locator("[data-testid=signin-submit]").ClickAsync(new LocatorClickOptions { Timeout = 180_000 });
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 180_000 });
        if (page.Url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Sign-in as {email} failed (still on {page.Url}).");
        }

        await page.CloseAsync();
    }

    /// <summary>The built app, in Development (static web assets are served from the build output), demo mode off.</summary>
    public static Process Start(string web, string baseUrl, string db)
    {
        var dll = Path.Combine(web, "bin", "Release", "net10.0", "CommandCenter.Web.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = web,
            ArgumentList =
            {
                dll, "--urls", baseUrl, "--Demo:Enabled=false", "--Database:Provider=Sqlite", $"--Database:ConnectionString=Data Source={db}",
                "--Logging:LogLevel:Default=Warning",
                // Each rebuild of a run logs its size and time: what the server spent, next to what the browsers measured.
                "--Logging:LogLevel:CommandCenter.Billing.BillingRuns=Information",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Console.WriteLine("[app] " + e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("[app] " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task<bool> WaitHealthyAsync(string baseUrl, Process app, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout && !app.HasExited)
        {
            try
            {
                using var response = await http.GetAsync($"{baseUrl}/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(500);
        }

        return false;
    }

    public static void Stop(Process app)
    {
        if (!app.HasExited)
        {
            app.Kill(entireProcessTree: true);
            app.WaitForExit(10_000);
        }
    }

    /// <summary>The app's CPU time so far (user + system, all threads), in seconds.</summary>
    public static double CpuSeconds(Process app)
    {
        app.Refresh();
        return app.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>
    /// CPU time so far (user + system) of this process's descendants other than the app — Playwright's driver and the
    /// browser's processes, which share the machine's cores with the app in these scenarios — from /proc (Linux).
    /// </summary>
    public static double BrowserCpuSeconds(Process app)
    {
        var parents = new Dictionary<int, int>();
        var ticks = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command name (which may hold spaces, inside parentheses): state ppid … utime(14) stime(15).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                ticks[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
            }
        }

        var children = parents.ToLookup(p => p.Value, p => p.Key);
        long total = 0;
        var pending = new Stack<int>(children[Environment.ProcessId]);
        while (pending.TryPop(out var pid))
        {
            if (pid == app.Id)
            {
                continue;
            }

            total += ticks.GetValueOrDefault(pid);
            foreach (var child in children[pid])
            {
                pending.Push(child);
            }
        }

        return total / 100.0; // USER_HZ
    }

    /// <summary>A process's Linux nice value (field 19 of /proc/{pid}/stat).</summary>
    public static int Nice(Process process)
    {
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture);
    }

    /// <summary>The app's own peak resident set (Linux VmHWM), read before it stops.</summary>
    public static double PeakWorkingSetMb(Process app)
    {
        try
        {
            var line = File.ReadLines($"/proc/{app.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository (CommandCenter.sln not found above the benchmark's output).");
    }
}
