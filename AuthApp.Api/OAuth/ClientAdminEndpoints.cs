using AuthApp.Api.Audit;
using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.OAuth;

public static class ClientAdminEndpoints
{
    public static RouteGroupBuilder MapClientAdminEndpoints(this RouteGroupBuilder api)
    {
        var clients = api.MapGroup("/admin/clients")
            .WithTags("Clients")
            .RequireAccessToken(TokenClaims.StaffPolicy)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        clients.MapGet("", ListAsync).WithName("ListClients").Audited(AuditActions.ListClients)
            .WithSummary("The registered OAuth clients: scopes, audiences, enabled, declared in the AppHost or created by staff.");
        clients.MapPost("", CreateAsync).WithName("CreateClient").Audited(AuditActions.CreateClient)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Register a client for the client-credentials grant; its secret is in this answer only.");
        clients.MapPost("/{clientId}/rotate-secret", RotateAsync).WithName("RotateClientSecret").Audited(AuditActions.RotateClientSecret)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A new secret (in this answer only); the old one stops working and the client's tokens are revoked.");
        clients.MapPost("/{clientId}/disable", (string clientId, ClientAdminService service, TimeProvider time, HttpContext http, CancellationToken ct) =>
                SetEnabledAsync(clientId, false, service, time, http, ct))
            .WithName("DisableClient").Audited(AuditActions.DisableClient).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Disable a client: it gets no more tokens and the ones it holds are revoked at once.");
        clients.MapPost("/{clientId}/enable", (string clientId, ClientAdminService service, TimeProvider time, HttpContext http, CancellationToken ct) =>
                SetEnabledAsync(clientId, true, service, time, http, ct))
            .WithName("EnableClient").Audited(AuditActions.EnableClient).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Enable a disabled client again (its revoked tokens stay revoked).");
        return api;
    }

    private static async Task<Ok<List<ClientInfo>>> ListAsync(ClientAdminService service, CancellationToken ct) =>
        TypedResults.Ok(await service.ListAsync(ct));

    private static async Task<Results<Created<ClientWithSecret>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateClientRequest request, ClientAdminService service, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await service.CreateAsync(request, http.GetStaffActor(), time.GetUtcNow(), ct)).ToResult(http,
            created => TypedResults.Created($"{ApiRoutes.Version1}/admin/clients/{created.Client.ClientId}", created));

    private static async Task<Results<Ok<ClientWithSecret>, ProblemHttpResult>> RotateAsync(
        string clientId, ClientAdminService service, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await service.RotateSecretAsync(clientId, http.GetStaffActor(), time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<ClientInfo>, ProblemHttpResult>> SetEnabledAsync(
        string clientId, bool enabled, ClientAdminService service, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await service.SetEnabledAsync(clientId, enabled, http.GetStaffActor(), time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok);
}
