using BenchmarkDotNet.Running;
using CommandCenter.Benchmarks;

// "sync …" runs the vendor sync measurement; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "sync")
{
    return await SyncScenario.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

public partial class Program;
