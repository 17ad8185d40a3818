using System.Text;
using AuthApp.Api.Tokens;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Email;

/// <summary>
/// Queued bodies hold a link with a live token, so they are sealed (AES-256-GCM, key derived from the
/// deployment secret <c>Jwt:SigningKey</c>, the message id as associated data) and erased once sent.
/// </summary>
public sealed class OutboxSealer(IOptions<JwtOptions> jwt)
{
    private readonly byte[] _key = SealedBox.DeriveKey(jwt.Value.SigningKeyBytes, "authapp outbox body v1");

    public byte[] Seal(Guid messageId, string textBody, string htmlBody)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(textBody);
            writer.Write(htmlBody);
        }
        return SealedBox.Seal(_key, buffer.ToArray(), messageId.ToByteArray());
    }

    public (string Text, string Html) Open(Guid messageId, byte[] sealedBody)
    {
        using var reader = new BinaryReader(new MemoryStream(SealedBox.Open(_key, sealedBody, messageId.ToByteArray())), Encoding.UTF8);
        return (reader.ReadString(), reader.ReadString());
    }
}
