using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CommandCenter.Tests.Deploy;

/// <summary>
/// deploy/compose.yaml: SQL Server, two app instances and a sticky-session proxy. No Docker daemon runs in CI, so the
/// file is checked by parsing it (merge keys resolved, as compose does); where the Docker CLI has the compose plugin,
/// <c>docker compose config</c> validates it as well.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string RepoRoot = FindRepoRoot();
    private static readonly string DeployDir = Path.Combine(RepoRoot, "deploy");
    private static readonly string ComposePath = Path.Combine(DeployDir, "compose.yaml");
    private static readonly string[] Apps = ["app1", "app2"];

    [Fact]
    public void Compose_Services_AreSqlServerTwoAppsAndProxy()
    {
        Services().Children.Keys.Select(Text).Order(StringComparer.Ordinal).ShouldBe(["app1", "app2", "proxy", "sqlserver"]);
    }

    [Fact]
    public void Compose_EveryService_HasAHealthcheckThatProbesIt()
    {
        foreach (var (name, service) in Services().Children.Select(s => (Text(s.Key), (YamlMappingNode)s.Value)))
        {
            var check = Map(service, "healthcheck");
            var test = string.Join(' ', ((YamlSequenceNode)check.Children[new YamlScalarNode("test")]).Children.Select(Text));
            var probe = name == "sqlserver" ? "sqlcmd" : "/healthz";
            test.ShouldContain(probe, customMessage: $"{name}'s health check should probe {probe}");
        }
    }

    [Fact]
    public void Compose_Apps_StartOnlyOnceSqlServerIsHealthy()
    {
        foreach (var app in Apps)
        {
            var dependsOn = Map(Service(app), "depends_on");
            Text(Map(dependsOn, "sqlserver").Children[new YamlScalarNode("condition")]).ShouldBe("service_healthy", customMessage: app);
        }
    }

    [Fact]
    public void Compose_Proxy_WaitsForBothAppsAndPublishesTheOnlyPort()
    {
        var proxy = Service("proxy");
        var dependsOn = Map(proxy, "depends_on");
        foreach (var app in Apps)
        {
            Text(Map(dependsOn, app).Children[new YamlScalarNode("condition")]).ShouldBe("service_healthy", customMessage: app);
        }

        var ports = ((YamlSequenceNode)proxy.Children[new YamlScalarNode("ports")]).Children.Select(Text).ToList();
        ports.Count.ShouldBe(1);
        ports[0].ShouldEndWith(":80");

        Services().Children.Where(s => Text(s.Key) != "proxy" && ((YamlMappingNode)s.Value).Children.ContainsKey(new YamlScalarNode("ports")))
            .Select(s => Text(s.Key)).ShouldBeEmpty("only the proxy may publish a port");
    }

    [Fact]
    public void Compose_Apps_RunTheSameImageOnTheSameSqlServerDatabase()
    {
        var env = Apps.Select(a => Map(Service(a), "environment")).ToList();
        var connection = env.Select(e => Text(e.Children[new YamlScalarNode("Database__ConnectionString")])).Distinct().ToList();
        connection.Count.ShouldBe(1, "both instances must use one database");
        connection[0].ShouldContain("Server=sqlserver,1433");
        env.ShouldAllBe(e => Text(e.Children[new YamlScalarNode("Database__Provider")]) == "SqlServer");
        Apps.Select(a => Text(Service(a).Children[new YamlScalarNode("image")])).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public void Compose_Apps_ShareOneClusteredScheduleAndTrustOnlyTheProxysForwardedHeaders()
    {
        foreach (var env in Apps.Select(a => Map(Service(a), "environment")))
        {
            Text(env.Children[new YamlScalarNode("Scheduler__Clustered")]).ShouldBe("true", "each sync must fire once across the instances");
            Text(env.Children[new YamlScalarNode("ForwardedHeaders__Enabled")]).ShouldBe("true", "OAuth redirects need the public scheme and host");
        }
    }

    [Fact]
    public void ProxyConfig_ReferencedByCompose_NamesBothAppsWithStickySessions()
    {
        var mount = ((YamlSequenceNode)Service("proxy").Children[new YamlScalarNode("volumes")]).Children.Select(Text)
            .Single(v => v.Contains(":/etc/caddy/Caddyfile", StringComparison.Ordinal));
        var file = Path.GetFullPath(Path.Combine(DeployDir, mount[..mount.IndexOf(':', StringComparison.Ordinal)]));
        File.Exists(file).ShouldBeTrue($"{file} is mounted by the proxy");

        var config = string.Join('\n', File.ReadAllLines(file).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0));
        var upstreams = config.Split('\n').Single(l => l.StartsWith("reverse_proxy", StringComparison.Ordinal));
        upstreams.ShouldContain("app1:8080");
        upstreams.ShouldContain("app2:8080");
        config.ShouldContain("lb_policy cookie");
        config.ShouldContain("health_uri /healthz");
    }

    [Fact]
    public void EnvExample_ListsEveryVariableTheComposeUsesAndNoOther()
    {
        var used = ComposeVariable().Matches(File.ReadAllText(ComposePath)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        used.ShouldContain("SA_PASSWORD");

        var template = File.ReadAllLines(Path.Combine(DeployDir, ".env.example"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1].Trim() : "", StringComparer.Ordinal);

        used.Where(v => !template.ContainsKey(v)).ShouldBeEmpty("variables missing from deploy/.env.example");
        template.Keys.Where(k => !used.Contains(k)).ShouldBeEmpty("variables in deploy/.env.example that compose does not use");
        template.Where(kv => kv.Value.Length == 0).Select(kv => kv.Key).ShouldBeEmpty("variables without a placeholder value");
    }

    [Fact]
    public async Task DockerComposeConfig_WithTheEnvTemplate_Validates()
    {
        var (versionExit, versionOutput) = await RunAsync("docker", "compose version");
        Assert.SkipWhen(versionExit is null, "docker CLI not found: 'docker compose config' not run (the parsing tests above still check the file)");
        Assert.SkipWhen(versionExit != 0, $"docker CLI has no compose plugin ('docker compose version': {versionOutput.Trim()}): 'docker compose config' not run");

        var (exit, output) = await RunAsync("docker", $"compose -f \"{ComposePath}\" --env-file \"{Path.Combine(DeployDir, ".env.example")}\" config -q");
        exit.ShouldBe(0, output);
    }

    [GeneratedRegex(@"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ComposeVariable();

    private static YamlMappingNode Services() => Map(LoadCompose(), "services");

    private static YamlMappingNode Service(string name) => Map(Services(), name);

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child as YamlMappingNode ?? throw new ShouldAssertException($"'{key}' is not a mapping")
            : throw new ShouldAssertException($"'{key}' is missing");

    private static string Text(YamlNode node) => node is YamlScalarNode { Value: { } value } ? value : throw new ShouldAssertException($"{node} is not a scalar");

    private static YamlMappingNode LoadCompose()
    {
        using var reader = new StreamReader(ComposePath);
        var yaml = new YamlStream();
        // MergingParser applies "<<: *app" the way compose does.
        yaml.Load(new MergingParser(new Parser(reader)));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static async Task<(int? Exit, string Output)> RunAsync(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        }
        catch (Win32Exception)
        {
            return (null, "");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {arguments} did not finish in 2 minutes");
            }

            return (process.ExitCode, await stdout + await stderr);
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"CommandCenter.sln not found above {AppContext.BaseDirectory}");
    }
}
