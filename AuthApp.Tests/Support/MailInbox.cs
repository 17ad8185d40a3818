using System.Text.Json;
using System.Text.RegularExpressions;

namespace AuthApp.Tests.Support;

/// <summary>A mail as smtp4dev received it.</summary>
public sealed record DeliveredMail(string Id, string To, DateTimeOffset Received, string Subject, string Text, string Html)
{
    /// <summary>The token in the mail's link (<c>…#token=…</c>).</summary>
    public string Token => MailInbox.TokenIn(Text);
}

/// <summary>Reads what the mail server received, through smtp4dev's own REST API (/api/messages).</summary>
public sealed partial class MailInbox(HttpClient web)
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(45);

    public async Task<IReadOnlyList<DeliveredMail>> MessagesToAsync(string address)
    {
        var list = JsonDocument.Parse(await web.GetStringAsync("/api/messages?pageSize=5000")).RootElement.GetProperty("results");
        var mails = new List<DeliveredMail>();
        foreach (var summary in list.EnumerateArray())
        {
            if (!summary.GetProperty("to").EnumerateArray().Any(to => string.Equals(to.GetString(), address, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            var id = summary.GetProperty("id").GetString()!;
            mails.Add(new DeliveredMail(id, address, summary.GetProperty("receivedDate").GetDateTimeOffset(), summary.GetProperty("subject").GetString() ?? "",
                await web.GetStringAsync($"/api/messages/{id}/plaintext"), await web.GetStringAsync($"/api/messages/{id}/html")));
        }
        return mails.OrderBy(m => m.Received).ToList();
    }

    /// <summary>Waits until <paramref name="count"/> mails to <paramref name="address"/> have arrived and returns them, oldest first.</summary>
    public async Task<IReadOnlyList<DeliveredMail>> WaitForAsync(string address, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        while (true)
        {
            var mails = await MessagesToAsync(address);
            if (mails.Count >= count)
            {
                return mails;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{mails.Count} of {count} mails to {address} arrived within {timeout ?? DefaultWait}");
            await Task.Delay(250);
        }
    }

    public async Task<DeliveredMail> WaitForOneAsync(string address, TimeSpan? timeout = null) => (await WaitForAsync(address, 1, timeout))[^1];

    public static string TokenIn(string body)
    {
        var match = TokenPattern().Match(body);
        Assert.True(match.Success, $"no token link in: {body}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex("#token=([A-Za-z0-9_-]{64})")]
    private static partial Regex TokenPattern();
}
