using System.Diagnostics;
using System.Text;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests;

/// <summary>
/// SQL Server parity: the whole integration suite — the same tests that run on SQLite — run again with every app on a
/// SQL Server database (Testcontainers), in a child process of this very test assembly with CC_TEST_DATABASE=SqlServer.
/// Skipped, with the reason, when no Docker engine answers; and inside that child run (it is the SQL Server run).
/// </summary>
public sealed class SqlServerParityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task IntegrationSuite_OnSqlServer_PassesAsOnSqlite()
    {
        Assert.SkipWhen(TestDatabase.IsSqlServer, "This is the SQL Server run of the suite itself");
        Assert.SkipWhen(TestDatabase.DockerUnavailableReason is not null,
            $"{TestDatabase.DockerUnavailableReason}: the integration suite's SQL Server run (CC_TEST_DATABASE=SqlServer) skipped");

        var assembly = typeof(SqlServerParityTests).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly, "-noLogo", "-noColor", "-parallel", "none" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.Environment[TestDatabase.Variable] = "SqlServer";

        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, log);
        var stderr = PumpAsync(process.StandardError, log);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(45));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(stdout, stderr);
        var text = log.ToString();
        // The runner's summary line: "=== TEST EXECUTION SUMMARY ===" followed by "<assembly>  Total: N, Errors: 0, Failed: 0, Skipped: N, ...".
        output.WriteLine(string.Join('\n', text.Split('\n').Where(l => l.Contains("Total:", StringComparison.Ordinal) || l.Contains("[FAIL]", StringComparison.Ordinal))));
        process.ExitCode.ShouldBe(0, "the suite on SQL Server failed:\n" + Tail(text, 200));
        text.ShouldContain("Failed: 0");
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder log)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));
}
