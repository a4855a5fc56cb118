using BenchmarkDotNet.Running;
using CommandCenter.Benchmarks;

// "sync …", "billing …", "posting …", "scenario …", "review-page …" and "review-load …" run measuring scenarios; anything else goes to BenchmarkDotNet.
switch (args.Length > 0 ? args[0] : "")
{
    case "sync":
        return await SyncScenario.RunAsync(args[1..]);
    case "billing":
        return await BillingScenario.RunAsync(args[1..]);
    case "posting":
        return await PostingScenario.RunAsync(args[1..]);
    case "posting-measure":
        // The measured half of "posting", in its own process (started by it).
        return await PostingScenario.MeasureAsync(args[1..]);
    case "scenario":
        return await MonthEndScenario.RunAsync(args[1..]);
    case "scenario-measure":
        // The measured half of "scenario", in its own process (started by it).
        return await MonthEndScenario.MeasureAsync(args[1..]);
    case "review-page":
        return await ReviewPageScenario.RunAsync(args[1..]);
    case "review-load":
        return await ReviewLoadScenario.RunAsync(args[1..]);
    case "billing-measure":
        // The measured half of "billing", in its own process (started by it).
        return await BillingScenario.MeasureAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

public partial class Program;
