using AuthApp.Admin.Sessions;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthApp.Admin.Api;

/// <summary>
/// The API's staff routes, called as the signed-in staff member: <see cref="AccessTokenHandler"/> adds the session's
/// token. Read calls may be retried by the resilience handler; changes never are.
/// </summary>
public sealed class AdminApiClient(HttpClient http, AuthenticationStateProvider authentication)
{
    public Task<ApiResult<ApiPage<ApiUser>>> ListUsersAsync(UserFilter filter, string? cursor, int limit, CancellationToken ct) =>
        GetAsync<ApiPage<ApiUser>>("/api/v1/admin/users", ct,
            ("search", filter.Search), ("is_active", filter.IsActive), ("is_staff", filter.IsStaff), ("cursor", cursor), ("limit", limit.ToString()));

    public Task<ApiResult<ApiUser>> GetUserAsync(Guid id, CancellationToken ct) => GetAsync<ApiUser>($"/api/v1/admin/users/{id}", ct);

    public Task<ApiResult<ApiPage<ApiSession>>> ListSessionsAsync(Guid id, string? cursor, CancellationToken ct) =>
        GetAsync<ApiPage<ApiSession>>($"/api/v1/admin/users/{id}/sessions", ct, ("cursor", cursor), ("limit", "100"));

    /// <summary>deactivate, activate, grant-staff, revoke-staff, revoke-sessions.</summary>
    public Task<ApiResult<ApiUser>> ActAsync(Guid id, string action, CancellationToken ct) =>
        PostAsync<ApiUser>($"/api/v1/admin/users/{id}/{action}", ct);

    public Task<ApiResult<ApiFactors>> GetFactorsAsync(Guid id, CancellationToken ct) =>
        GetAsync<ApiFactors>($"/api/v1/admin/users/{id}/factors", ct);

    public Task<ApiResult<ApiUser>> EndSessionAsync(Guid id, Guid sessionId, CancellationToken ct) =>
        PostAsync<ApiUser>($"/api/v1/admin/users/{id}/sessions/{sessionId}/revoke", ct);

    public Task<ApiResult<List<ApiSigningKey>>> ListKeysAsync(CancellationToken ct) => GetAsync<List<ApiSigningKey>>("/api/v1/admin/keys", ct);

    public Task<ApiResult<ApiSigningKey>> RotateKeyAsync(CancellationToken ct) => PostAsync<ApiSigningKey>("/api/v1/admin/keys/rotate", ct);

    public Task<ApiResult<List<ApiClient>>> ListClientsAsync(CancellationToken ct) => GetAsync<List<ApiClient>>("/api/v1/admin/clients", ct);

    public Task<ApiResult<ApiClientWithSecret>> CreateClientAsync(string clientId, string[] scopes, string[] audiences, CancellationToken ct) =>
        PostAsync<ApiClientWithSecret>("/api/v1/admin/clients", ct, new { client_id = clientId, scopes, audiences });

    public Task<ApiResult<ApiClientWithSecret>> RotateClientSecretAsync(string clientId, CancellationToken ct) =>
        PostAsync<ApiClientWithSecret>($"/api/v1/admin/clients/{Uri.EscapeDataString(clientId)}/rotate-secret", ct);

    /// <summary>disable or enable.</summary>
    public Task<ApiResult<ApiClient>> SetClientAsync(string clientId, string action, CancellationToken ct) =>
        PostAsync<ApiClient>($"/api/v1/admin/clients/{Uri.EscapeDataString(clientId)}/{action}", ct);

    public Task<ApiResult<ApiPage<ApiAuditEntry>>> ListAuditAsync(AuditFilter filter, string? cursor, int limit, CancellationToken ct) =>
        GetAsync<ApiPage<ApiAuditEntry>>("/api/v1/admin/audit", ct,
            ("actor", filter.Actor), ("target", filter.Target), ("action", filter.Action), ("from", filter.From), ("to", filter.To),
            ("cursor", cursor), ("limit", limit.ToString()));

    private async Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken ct, params (string Name, string? Value)[] query)
    {
        var url = QueryHelpers.AddQueryString(path,
            query.Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => new KeyValuePair<string, string?>(q.Name, q.Value)));
        return await ApiCalls.SendAsync<T>(http, await AsStaffAsync(ApiCalls.Request(HttpMethod.Get, url)), ct);
    }

    private async Task<ApiResult<T>> PostAsync<T>(string path, CancellationToken ct, object? body = null) =>
        await ApiCalls.SendAsync<T>(http, await AsStaffAsync(ApiCalls.Request(HttpMethod.Post, path, body ?? new { })), ct);

    private async Task<HttpRequestMessage> AsStaffAsync(HttpRequestMessage request)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        request.Options.Set(AccessTokenHandler.SessionIdKey, ConsoleClaims.SessionIdOf(state.User) ?? "");
        return request;
    }
}
