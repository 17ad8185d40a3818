using AuthApp.Api.Tokens.Keys;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthApp.Api.OAuth;

/// <summary>
/// The discovery document points at AuthApp's own key set (<c>/.well-known/jwks.json</c>, the key ring's public keys,
/// which rotate) rather than at OpenIddict's, and names the one algorithm the deployment signs with.
/// </summary>
public sealed class DescribeAuthAppKeys(ITokenSigner signer) : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public const string JwksPath = ".well-known/jwks.json";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<DescribeAuthAppKeys>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachAdditionalMetadata.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        // Beside the other endpoints, which OpenIddict builds on the address the document was asked at.
        if (context.BaseUri is { } baseUri)
        {
            context.JsonWebKeySetEndpoint = new Uri(baseUri, JwksPath);
        }
        context.IdTokenSigningAlgorithms.Clear();
        context.IdTokenSigningAlgorithms.Add(signer.Algorithm);
        return default;
    }
}
