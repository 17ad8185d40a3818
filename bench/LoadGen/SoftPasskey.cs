using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

/// <summary>
/// A software passkey: the client half of WebAuthn (what a browser and an authenticator together send), for the bench
/// and the JSON tests, where no browser runs. One P-256 key, attestation "none", user present and verified, a counter
/// that moves on with each use. It only builds answers; AuthApp's server half (the Fido2 library) checks them, and
/// the browser tests use Chromium's own authenticator instead. The CBOR it writes is the few fixed shapes WebAuthn
/// needs (an attestation object, a COSE EC2 key), written by hand rather than with a CBOR library.
/// </summary>
public sealed class SoftPasskey(string rpId, string origin)
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] _rpIdHash = SHA256.HashData(Encoding.UTF8.GetBytes(rpId));
    private byte[] _userHandle = [];

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(16);

    /// <summary>The page's origin it names in its answers (a test may make it wrong).</summary>
    public string Origin { get; set; } = origin;

    /// <summary>The counter the next answer reports less one; set it back to act as a copy made earlier.</summary>
    public uint SignCount { get; set; }

    /// <summary>The answer to registration options (<c>navigator.credentials.create()</c>'s credential, as toJSON() gives it).</summary>
    public object Register(JsonElement options)
    {
        _userHandle = FromBase64Url(options.GetProperty("user").GetProperty("id").GetString()!);
        var clientData = ClientData("webauthn.create", options.GetProperty("challenge").GetString()!);
        var key = _key.ExportParameters(false);
        byte[] coseKey = [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, .. key.Q.X!, 0x22, 0x58, 0x20, .. key.Q.Y!];
        byte[] authData = [.. _rpIdHash, 0x45 /* UP, UV, AT */, .. Counter(0), .. new byte[16] /* AAGUID */,
            (byte)(CredentialId.Length >> 8), (byte)CredentialId.Length, .. CredentialId, .. coseKey];
        byte[] attestation = [0xA3, .. Text("fmt"), .. Text("none"), .. Text("attStmt"), 0xA0, .. Text("authData"), .. Bytes(authData)];
        return new
        {
            id = ToBase64Url(CredentialId), rawId = ToBase64Url(CredentialId), type = "public-key",
            response = new { attestationObject = ToBase64Url(attestation), clientDataJSON = ToBase64Url(clientData), transports = new[] { "internal" } },
            clientExtensionResults = new { },
        };
    }

    /// <summary>The answer to sign-in options (<c>navigator.credentials.get()</c>'s credential): signed, counter + 1.</summary>
    public object Assert(JsonElement options)
    {
        var clientData = ClientData("webauthn.get", options.GetProperty("challenge").GetString()!);
        byte[] authData = [.. _rpIdHash, 0x05 /* UP, UV */, .. Counter(++SignCount)];
        var signature = _key.SignData([.. authData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);
        return new
        {
            id = ToBase64Url(CredentialId), rawId = ToBase64Url(CredentialId), type = "public-key",
            response = new
            {
                authenticatorData = ToBase64Url(authData), signature = ToBase64Url(signature),
                clientDataJSON = ToBase64Url(clientData), userHandle = ToBase64Url(_userHandle),
            },
            clientExtensionResults = new { },
        };
    }

    private byte[] ClientData(string type, string challenge) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type, challenge, origin = Origin, crossOrigin = false });

    private static byte[] Counter(uint count) => [(byte)(count >> 24), (byte)(count >> 16), (byte)(count >> 8), (byte)count];

    private static byte[] Text(string text) => Header(0x60, Encoding.UTF8.GetByteCount(text)).Concat(Encoding.UTF8.GetBytes(text)).ToArray();

    private static byte[] Bytes(byte[] bytes) => [.. Header(0x40, bytes.Length), .. bytes];

    /// <summary>A CBOR head: the major type and a length (below 24 inline, else in one or two bytes).</summary>
    private static byte[] Header(byte major, int length) => length switch
    {
        < 24 => [(byte)(major | length)],
        < 256 => [(byte)(major | 24), (byte)length],
        _ => [(byte)(major | 25), (byte)(length >> 8), (byte)length],
    };

    public static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }
}
