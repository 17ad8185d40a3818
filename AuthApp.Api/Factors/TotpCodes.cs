using System.Security.Cryptography;
using OtpNet;
using QRCoder;

namespace AuthApp.Api.Factors;

/// <summary>
/// Authenticator-app codes (TOTP, RFC 6238: HMAC-SHA1, six digits, 30-second steps — what every authenticator app reads
/// from an <c>otpauth://</c> URI) on Otp.NET, and the enrolment QR code on QRCoder.
/// </summary>
public static class TotpCodes
{
    /// <summary>One step either side of now: a phone's clock may be 30 seconds off, and a code typed at a step's end still counts.</summary>
    private static readonly VerificationWindow Drift = new(previous: 1, future: 1);

    /// <summary>160 random bits, the RFC 4226 recommendation for HMAC-SHA1.</summary>
    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(20);

    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret);

    /// <summary>The key URI authenticator apps scan (Google Authenticator's format, which they all read).</summary>
    public static string OtpAuthUri(byte[] secret, string issuer, string account) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}" +
        $"?secret={Base32(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>The URI as a QR code, a PNG data URI an <c>img</c> shows (no drawing library needed).</summary>
    public static string QrCodePng(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(6);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }

    /// <summary>The time step a six-digit <paramref name="code"/> belongs to, within the drift window around <paramref name="now"/>; null when none.</summary>
    public static long? MatchingStep(byte[] secret, string? code, DateTimeOffset now)
    {
        var digits = code?.Replace(" ", "", StringComparison.Ordinal);
        if (digits is not { Length: 6 } || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }
        var totp = new Totp(secret);
        return totp.VerifyTotp(now.UtcDateTime, digits, out var step, Drift) ? step : null;
    }
}
