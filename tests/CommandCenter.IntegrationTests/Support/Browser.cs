using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.Support;

/// <summary>Browser tests run one at a time (each starts Chromium and an app; two at once starve a 2-core machine).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "browser";
}

/// <summary>Debian's Chromium driven by Playwright's bundled driver (no browser download: this runs offline).</summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Chromium with one page on <paramref name="baseAddress"/>; dispose to close both.</summary>
    public static async Task<BrowserSession> OpenAsync(Uri baseAddress)
    {
        var (playwright, browser) = await LaunchAsync();
        var page = await browser.NewPageAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(30_000);
        return new BrowserSession(playwright, browser, page);
    }

    /// <summary>Signs in on the static sign-in page and waits until the landing page is interactive.</summary>
    public static async Task SignInAsync(IPage page, string email, string password, string? returnUrl = null)
    {
        await page.GotoAsync(returnUrl is null ? "/Account/Login" : $"/Account/Login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.Locator("[data-testid=signin-email]").FillAsync(email);
        await page.Locator("[data-testid=signin-password]").FillAsync(password);
        await page.Locator("[data-testid=signin-submit]").ClickAsync();
        await WaitForInteractiveAsync(page);
    }

    /// <summary>MudBlazor puts unmatched attributes on the inner &lt;input&gt; of its fields.</summary>
    public static ILocator Input(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    private static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        // Generous, not tight: a loaded 2-core CI machine may take seconds to render a preview.
        Assertions.SetDefaultExpectTimeout(30_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        return (playwright, browser);
    }

    /// <summary>Clicks on prerendered HTML are lost; wait for the circuit's marker first.</summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    public static string ScreenshotPath(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name + ".png");
    }
}

public sealed class BrowserSession(IPlaywright playwright, IBrowser browser, IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
