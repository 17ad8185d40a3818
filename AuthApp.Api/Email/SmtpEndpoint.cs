using System.Data.Common;
using System.Net;
using MailKit.Security;

namespace AuthApp.Api.Email;

/// <summary>
/// The SMTP server, read from <c>ConnectionStrings:mail</c>. Two forms:
/// <c>Endpoint=smtp://host:port;Username=…;Password=…;Security=StartTls</c> (Aspire's MailKit form; every key
/// but Endpoint optional) or a URI, <c>smtp://user:password@host:port</c> / <c>smtps://…</c>.
/// Security: <c>smtps</c> is TLS from the first byte; <c>smtp</c> requires STARTTLS, except to a loopback
/// server (smtp4dev), where it is used only when offered. <c>Security=None|StartTls|StartTlsWhenAvailable|SslOnConnect</c> overrides.
/// </summary>
public sealed record SmtpEndpoint(string Host, int Port, SecureSocketOptions Security, string? Username, string? Password)
{
    public static bool TryParse(string? connectionString, out SmtpEndpoint? endpoint, out string error)
    {
        endpoint = null;
        error = "";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = "ConnectionStrings:mail is not set. Run through the AppHost (it supplies the mail server) or set it, e.g. " +
                    "ConnectionStrings__mail=\"Endpoint=smtp://smtp.example.com:587;Username=…;Password=…\".";
            return false;
        }

        string? endpointText, username = null, password = null, security = null;
        if (connectionString.Contains("://", StringComparison.Ordinal) && !connectionString.Contains('=', StringComparison.Ordinal))
        {
            endpointText = connectionString.Trim();
        }
        else
        {
            var builder = new DbConnectionStringBuilder();
            try
            {
                builder.ConnectionString = connectionString;
            }
            catch (ArgumentException)
            {
                error = "ConnectionStrings:mail is not a connection string of the form Endpoint=smtp://host:port;Username=…;Password=….";
                return false;
            }
            endpointText = Value(builder, "Endpoint");
            username = Value(builder, "Username");
            password = Value(builder, "Password");
            security = Value(builder, "Security");
        }

        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps") || string.IsNullOrEmpty(uri.Host))
        {
            error = "ConnectionStrings:mail needs an endpoint smtp://host:port or smtps://host:port.";
            return false;
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':');
            username ??= WebUtility.UrlDecode(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password ??= colon < 0 ? null : WebUtility.UrlDecode(uri.UserInfo[(colon + 1)..]);
        }

        var implicitTls = uri.Scheme == "smtps";
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (implicitTls ? 465 : 587) : uri.Port;
        SecureSocketOptions options;
        if (security is null)
        {
            options = implicitTls ? SecureSocketOptions.SslOnConnect
                : uri.IsLoopback ? SecureSocketOptions.StartTlsWhenAvailable
                : SecureSocketOptions.StartTls;
        }
        else if (!Enum.TryParse(security, ignoreCase: true, out options) || options == SecureSocketOptions.Auto)
        {
            error = "ConnectionStrings:mail Security must be None, StartTls, StartTlsWhenAvailable or SslOnConnect.";
            return false;
        }
        endpoint = new SmtpEndpoint(uri.IdnHost, port, options, string.IsNullOrEmpty(username) ? null : username, password);
        return true;
    }

    private static string? Value(DbConnectionStringBuilder builder, string key) =>
        builder.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } text ? text : null;

    /// <summary>Host, port and security only: the credentials never reach a log.</summary>
    public override string ToString() => $"smtp://{Host}:{Port} ({Security})";
}
