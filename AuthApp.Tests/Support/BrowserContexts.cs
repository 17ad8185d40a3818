using Microsoft.Playwright;

namespace AuthApp.Tests.Support;

/// <summary>The browser contexts (cookie jars) a test opened, closed together when the test ends, whatever happened.</summary>
public sealed class BrowserContexts(IBrowser browser) : IAsyncDisposable
{
    private readonly List<IBrowserContext> _opened = [];

    /// <summary>A fresh cookie jar at desktop size with <paramref name="baseUrl"/> for relative addresses, and a page in it.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl)
    {
        var context = await browser.NewConsoleContextAsync(baseUrl);
        _opened.Add(context);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _opened)
        {
            await context.CloseAsync();
        }
    }
}
