using System.Globalization;
using System.Net;

namespace AuthApp.Api.Email;

/// <summary>A mail's words: subject, plain text and HTML (every inserted value HTML-encoded).</summary>
public sealed record ComposedMail(string Kind, string Subject, string TextBody, string HtmlBody);

public static class MailTemplates
{
    public static ComposedMail PasswordReset(string kind, string product, string username, Uri link, TimeSpan lifetime) => Compose(kind,
        subject: $"Reset your {product} password",
        greeting: $"Hello {username},",
        lead: $"Someone asked to reset the password of your {product} account. Open this link within {Describe(lifetime)} to choose a new one:",
        action: "Choose a new password",
        link: link,
        footer: "If it was not you, ignore this message: your password stays as it is. The link works once.");

    public static ComposedMail EmailConfirmation(string kind, string product, string username, Uri link, TimeSpan lifetime) => Compose(kind,
        subject: $"Confirm your e-mail address for {product}",
        greeting: $"Hello {username},",
        lead: $"Please confirm that this address belongs to your {product} account. Open this link within {Describe(lifetime)}:",
        action: "Confirm this address",
        link: link,
        footer: "If you did not use this address with us, ignore this message.");

    /// <summary>A security notice with nothing to click: a recovery code was spent, and what to do if it was not the owner.</summary>
    public static ComposedMail RecoveryCodeUsed(string kind, string product, string username, DateTimeOffset when, string? address,
        int left) => ComposeNotice(kind,
        subject: $"A recovery code was used on your {product} account",
        greeting: $"Hello {username},",
        lead: $"One of your {product} recovery codes was used to sign in on {when:u}" + (address is null ? "." : $" from {address}.") +
              $" You have {left} unused codes left.",
        footer: "If it was not you, change your password and make new recovery codes at once.");

    /// <summary>Staff removed the account's second factors: the owner hears of it, and what to do if they did not ask.</summary>
    public static ComposedMail FactorsReset(string kind, string product, string username, DateTimeOffset when) => ComposeNotice(kind,
        subject: $"The second factors of your {product} account were reset",
        greeting: $"Hello {username},",
        lead: $"On {when:u} {product} staff removed the authenticator app and the recovery codes of your account: " +
              "your password alone signs you in until you enrol an app again.",
        footer: "If you did not ask for this, tell your administrator and change your password.");

    /// <summary>"30 minutes", "1 hour", "2 days": the lifetime as a reader counts it.</summary>
    public static string Describe(TimeSpan lifetime)
    {
        static string Plural(int n, string unit) => $"{n.ToString(CultureInfo.InvariantCulture)} {unit}{(n == 1 ? "" : "s")}";
        if (lifetime.TotalDays >= 1 && lifetime.TotalDays == Math.Floor(lifetime.TotalDays))
        {
            return Plural((int)lifetime.TotalDays, "day");
        }
        if (lifetime.TotalHours >= 1 && lifetime.TotalHours == Math.Floor(lifetime.TotalHours))
        {
            return Plural((int)lifetime.TotalHours, "hour");
        }
        return Plural(Math.Max(1, (int)Math.Round(lifetime.TotalMinutes)), "minute");
    }

    private static ComposedMail Compose(string kind, string subject, string greeting, string lead, string action, Uri link, string footer)
    {
        var url = link.AbsoluteUri;
        var text = $"{greeting}\n\n{lead}\n\n{url}\n\n{footer}\n";
        var html = $"""
            <!DOCTYPE html>
            <html><body style="font-family: sans-serif; line-height: 1.5">
            <p>{Encode(greeting)}</p>
            <p>{Encode(lead)}</p>
            <p><a href="{Encode(url)}">{Encode(action)}</a></p>
            <p style="color: #555">{Encode(footer)}</p>
            </body></html>
            """;
        return new ComposedMail(kind, subject, text, html);
    }

    private static ComposedMail ComposeNotice(string kind, string subject, string greeting, string lead, string footer)
    {
        var text = $"{greeting}\n\n{lead}\n\n{footer}\n";
        var html = $"""
            <!DOCTYPE html>
            <html><body style="font-family: sans-serif; line-height: 1.5">
            <p>{Encode(greeting)}</p>
            <p>{Encode(lead)}</p>
            <p style="color: #555">{Encode(footer)}</p>
            </body></html>
            """;
        return new ComposedMail(kind, subject, text, html);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
