using System.Diagnostics;
using System.Globalization;

namespace CommandCenter.Benchmarks;

/// <summary>One measured step: wall and CPU time, GC allocations, the peak working set and the peak GC heap (sampled) during it.</summary>
internal sealed record Step(string Name, TimeSpan Elapsed, TimeSpan Cpu, long Allocated, long PeakWorkingSet, long PeakHeap, string Result);

/// <summary>What the measuring scenarios share: timing a step, the process's peak memory, the machine's load, arguments.</summary>
internal static class Measurement
{
    /// <summary>Runs <paramref name="action"/> after a full collection and a reset of the peak working set, and prints one line.</summary>
    public static async Task<Step> MeasureStepAsync(string name, Func<Task<string>> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        ResetPeakWorkingSet();
        using var heap = new HeapSampler();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = CpuTime();
        var watch = Stopwatch.StartNew();
        var result = await action();
        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var step = new Step(name, watch.Elapsed, CpuTime() - cpuBefore, allocated, PeakWorkingSet(), heap.Stop(), result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {step.Elapsed.TotalSeconds:F2} s ({step.Cpu.TotalSeconds:F2} s CPU), {Mb(step.Allocated):N0} MB allocated, peak {Mb(step.PeakWorkingSet):N0} MB — {result}"));
        return step;
    }

    /// <summary>Linux: writing 5 to clear_refs resets the process's peak resident set (VmHWM) to its current size.</summary>
    public static void ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Elsewhere the figure is the process's peak so far.
        }
    }

    /// <summary>CPU time of the whole process (every thread, the GC's too): steadier than wall time on a shared machine.</summary>
    public static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>The 1-minute load average (Linux), so a reader can tell a busy machine's figures from a quiet one's.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }

    public static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    public static int Int(string[] args, string name, int fallback) => int.Parse(Arg(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>The managed heap in use (<see cref="GC.GetTotalMemory"/>), sampled every 20 ms; the maximum seen.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public HeapSampler()
        {
            _peak = GC.GetTotalMemory(forceFullCollection: false);
            _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
        }

        public long Stop()
        {
            _timer.Change(Timeout.Infinite, Timeout.Infinite);
            Sample();
            return Interlocked.Read(ref _peak);
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            var now = GC.GetTotalMemory(forceFullCollection: false);
            long seen;
            do
            {
                seen = Interlocked.Read(ref _peak);
            }
            while (now > seen && Interlocked.CompareExchange(ref _peak, now, seen) != seen);
        }
    }
}
