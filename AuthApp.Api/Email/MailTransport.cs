using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AuthApp.Api.Email;

/// <summary>A mail ready to go: the outbox row's id (also its Message-Id), addresses, subject, both bodies.</summary>
public sealed record OutgoingMail(Guid Id, string Kind, string To, string Subject, string TextBody, string HtmlBody);

/// <summary>A failed delivery; <see cref="Permanent"/> when trying again cannot help (the server refused the recipient).</summary>
public sealed class MailDeliveryException(string reason, bool permanent, Exception? inner = null) : Exception(reason, inner)
{
    public bool Permanent { get; } = permanent;
}

/// <summary>Delivers mail; one connection serves a batch.</summary>
public interface IMailTransport
{
    Task<IMailConnection> ConnectAsync(CancellationToken ct);
}

public interface IMailConnection : IAsyncDisposable
{
    /// <summary>Throws <see cref="MailDeliveryException"/> when the message was not accepted.</summary>
    Task SendAsync(OutgoingMail mail, CancellationToken ct);
}

/// <summary>SMTP through MailKit, to the server of <c>ConnectionStrings:mail</c>.</summary>
public sealed class SmtpMailTransport(IOptions<EmailOptions> email, IOptions<OutboxOptions> outbox) : IMailTransport
{
    public async Task<IMailConnection> ConnectAsync(CancellationToken ct)
    {
        var endpoint = email.Value.Smtp;
        var client = new SmtpClient { Timeout = (int)outbox.Value.SmtpTimeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.Security, ct);
            if (endpoint.Username is { } username)
            {
                await client.AuthenticateAsync(username, endpoint.Password ?? "", ct);
            }
            return new Connection(client, email.Value.Sender);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            client.Dispose();
            throw new MailDeliveryException($"Could not open an SMTP session with {endpoint}: {ex.GetType().Name}: {ex.Message}", permanent: false, ex);
        }
    }

    private sealed class Connection(SmtpClient client, MailboxAddress sender) : IMailConnection
    {
        public async Task SendAsync(OutgoingMail mail, CancellationToken ct)
        {
            using var message = new MimeMessage
            {
                MessageId = $"{mail.Id:N}@{sender.Domain}",
                Subject = mail.Subject,
                Body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody }.ToMessageBody(),
            };
            message.From.Add(sender);
            message.To.Add(MailboxAddress.Parse(mail.To));
            try
            {
                await client.SendAsync(message, ct);
            }
            catch (SmtpCommandException ex)
            {
                // A recipient refused for good (5xx) will be refused again; anything else may pass later.
                var permanent = ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)ex.StatusCode >= 500;
                throw new MailDeliveryException($"The SMTP server refused the message: {(int)ex.StatusCode} {ex.ErrorCode}", permanent, ex);
            }
            catch (Exception ex) when (ex is SmtpProtocolException or ServiceNotConnectedException or IOException or TimeoutException)
            {
                throw new MailDeliveryException($"The SMTP session failed: {ex.GetType().Name}: {ex.Message}", permanent: false, ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true);
                }
            }
            catch (Exception ex) when (ex is SmtpProtocolException or IOException or TimeoutException or ServiceNotConnectedException)
            {
                // The messages are already accepted or already failed; a broken QUIT changes neither.
            }
            client.Dispose();
        }
    }
}
