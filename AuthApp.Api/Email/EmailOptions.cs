using System.ComponentModel.DataAnnotations;
using AuthApp.Data;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AuthApp.Api.Email;

/// <summary>Account mail (section <c>Email</c>): where its links point, who sends it, and the SMTP server.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>
    /// The front end that receives the links (<c>{LinkBaseUrl}/reset-password#token=…</c>,
    /// <c>{LinkBaseUrl}/confirm-email#token=…</c>) and posts the token to the API. The token travels in the
    /// fragment, which browsers send to no server, so it reaches no access log and no Referer.
    /// </summary>
    public string LinkBaseUrl { get; set; } = "";

    public string From { get; set; } = "AuthApp <no-reply@authapp.invalid>";

    /// <summary>The product's name in subjects and greetings.</summary>
    public string ProductName { get; set; } = "AuthApp";

    /// <summary>From <c>ConnectionStrings:mail</c>.</summary>
    public string? ConnectionString { get; set; }

    public SmtpEndpoint Smtp => SmtpEndpoint.TryParse(ConnectionString, out var endpoint, out var error)
        ? endpoint! : throw new InvalidOperationException(error);

    public Uri LinkBase => new(LinkBaseUrl.TrimEnd('/') + "/");

    public MailboxAddress Sender => MailboxAddress.Parse(From);
}

/// <summary>The outbox sender (section <c>Email:Outbox</c>).</summary>
public sealed class OutboxOptions
{
    public const string Section = "Email:Outbox";

    /// <summary>How often each instance looks for due mail written elsewhere (mail written here is sent at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after the first failed attempt; it doubles with each failure up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After this many failed attempts a message is abandoned (counted, logged, its body erased).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 12;

    /// <summary>How long a claimed message belongs to one instance; longer than a send can take.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 500)]
    public int BatchSize { get; set; } = 20;

    /// <summary>At most one mail per address in this interval; more are not queued.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RecipientInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long sent and abandoned messages (bodies already erased) are kept for support.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Stops the API at start-up, saying what to set, when mail could not be sent or its links would be wrong.</summary>
public sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var failures = new List<string>();
        if (!SmtpEndpoint.TryParse(options.ConnectionString, out _, out var error))
        {
            failures.Add(error);
        }
        if (!Uri.TryCreate(options.LinkBaseUrl, UriKind.Absolute, out var linkBase) || linkBase.Scheme is not ("http" or "https") ||
            !string.IsNullOrEmpty(linkBase.Query) || !string.IsNullOrEmpty(linkBase.Fragment))
        {
            failures.Add("Email:LinkBaseUrl must be the absolute http(s) address of the front end that opens the links in account mail " +
                         "(the AppHost sets it; elsewhere set Email__LinkBaseUrl).");
        }
        if (!MailboxAddress.TryParse(options.From, out _))
        {
            failures.Add("Email:From must be an address such as \"AuthApp <no-reply@example.com>\".");
        }
        if (string.IsNullOrWhiteSpace(options.ProductName))
        {
            failures.Add("Email:ProductName must not be empty.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static void BindConnectionString(EmailOptions options, IConfiguration configuration) =>
        options.ConnectionString = configuration.GetConnectionString(ResourceNames.Mail);
}
