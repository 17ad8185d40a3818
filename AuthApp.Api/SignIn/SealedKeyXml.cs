using System.Text;
using System.Xml.Linq;
using AuthApp.Api.Tokens;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.SignIn;

/// <summary>
/// Data Protection's keys (they protect the sign-in cookie and the forms' antiforgery tokens) are kept in PostgreSQL so
/// that every replica reads the same ones, sealed with AES-256-GCM under a key derived from <c>Jwt:SigningKey</c>, as the
/// private signing keys are: a copy of the database alone forges no sign-in.
/// </summary>
public sealed class SealedKeyXmlEncryptor(byte[] key) : IXmlEncryptor
{
    public const string Label = "authapp data-protection keys v1";
    private static readonly byte[] AssociatedData = Encoding.UTF8.GetBytes("data-protection-key");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var sealedBox = SealedBox.Seal(key, Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), AssociatedData);
        return new EncryptedXmlInfo(new XElement("sealed", Convert.ToBase64String(sealedBox)), typeof(SealedKeyXmlDecryptor));
    }

    internal static XElement Open(byte[] key, XElement encrypted) =>
        XElement.Parse(Encoding.UTF8.GetString(SealedBox.Open(key, Convert.FromBase64String(encrypted.Value), AssociatedData)));
}

/// <summary>Data Protection creates this by type name, with the service provider, to read a key back.</summary>
public sealed class SealedKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        SealedKeyXmlEncryptor.Open(KeyOf(services.GetRequiredService<IOptions<JwtOptions>>().Value), encryptedElement);

    public static byte[] KeyOf(JwtOptions jwt) => SealedBox.DeriveKey(jwt.SigningKeyBytes, SealedKeyXmlEncryptor.Label);
}
