using AuthApp.Data.OAuth;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthApp.Api.OAuth;

/// <summary>
/// A disabled client may not introspect or revoke either. OpenIddict knows nothing of AuthApp's disabled flag; this runs
/// after it has authenticated the caller (the grant checks the flag in its own statement). Another instance's change is
/// seen within the client lookup's second.
/// </summary>
public sealed class DisabledClientGate(OAuthClientManager clients)
    : IOpenIddictServerHandler<ValidateIntrospectionRequestContext>, IOpenIddictServerHandler<ValidateRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor IntrospectionDescriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
            .UseScopedHandler<DisabledClientGate>()
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public static OpenIddictServerHandlerDescriptor RevocationDescriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateRevocationRequestContext>()
            .UseScopedHandler<DisabledClientGate>()
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
    {
        if (await IsDisabledAsync(context.ClientId, context.CancellationToken))
        {
            context.Reject(Errors.InvalidClient, "This client is disabled.");
        }
    }

    public async ValueTask HandleAsync(ValidateRevocationRequestContext context)
    {
        if (await IsDisabledAsync(context.ClientId, context.CancellationToken))
        {
            context.Reject(Errors.InvalidClient, "This client is disabled.");
        }
    }

    private async Task<bool> IsDisabledAsync(string? clientId, CancellationToken ct) =>
        clientId is not null && await clients.FindByClientIdAsync(clientId, ct) is { DisabledAt: not null };
}
