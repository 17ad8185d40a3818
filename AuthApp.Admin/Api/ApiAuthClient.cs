using System.Net.Http.Headers;

namespace AuthApp.Admin.Api;

/// <summary>The API's own sign-in routes (login, profile, refresh, logout), called with tokens the caller passes in.</summary>
public sealed class ApiAuthClient(HttpClient http)
{
    public const string RefreshTokenHeader = "X-Refresh-Token";

    /// <summary>The signed-in staff member's own second factors, with their access token.</summary>
    public Task<ApiResult<ApiFactors>> MyFactorsAsync(string accessToken, CancellationToken ct)
    {
        var request = ApiCalls.Request(HttpMethod.Get, "/api/v1/user/factors");
        request.Headers.Authorization = new("Bearer", accessToken);
        return ApiCalls.SendAsync<ApiFactors>(http, request, ct);
    }

    /// <summary>An identifier with '@' is an e-mail address, anything else a username, as the API decides too.</summary>
    public Task<ApiResult<ApiLoginResponse>> LoginAsync(string? identifier, string? password, string? clientAddress, CancellationToken ct)
    {
        object body = identifier?.Contains('@') == true
            ? new { email = identifier, password }
            : new { username = identifier, password };
        return ApiCalls.SendAsync<ApiLoginResponse>(http, ApiCalls.Request(HttpMethod.Post, "/api/v1/user/login", body, clientAddress), ct);
    }

    /// <summary>The second half of a login that answered <c>second_factor_required</c>: its challenge and a code (or a recovery code).</summary>
    public Task<ApiResult<ApiLoginResponse>> LoginSecondFactorAsync(string challenge, string? code, string? clientAddress, CancellationToken ct)
    {
        var digits = code?.Trim().All(c => char.IsAsciiDigit(c) || c == ' ') == true;
        object body = digits ? new { challenge, code } : new { challenge, recovery_code = code };
        return ApiCalls.SendAsync<ApiLoginResponse>(http, ApiCalls.Request(HttpMethod.Post, "/api/v1/user/login/second-factor", body, clientAddress), ct);
    }

    public Task<ApiResult<ApiMe>> MeAsync(string accessToken, string? clientAddress, CancellationToken ct)
    {
        var request = ApiCalls.Request(HttpMethod.Get, "/api/v1/user/me", clientAddress: clientAddress);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return ApiCalls.SendAsync<ApiMe>(http, request, ct);
    }

    public Task<ApiResult<ApiTokenPair>> RefreshAsync(string refreshToken, string? clientAddress, CancellationToken ct)
    {
        var request = ApiCalls.Request(HttpMethod.Post, "/api/v1/user/refresh", clientAddress: clientAddress);
        request.Headers.TryAddWithoutValidation(RefreshTokenHeader, refreshToken);
        return ApiCalls.SendAsync<ApiTokenPair>(http, request, ct);
    }

    /// <summary>
    /// A session opened through AuthApp's sign-in belongs to the console's client: it is refreshed at the token endpoint
    /// (the same rotation as /user/refresh), authenticated with the client's secret.
    /// </summary>
    public Task<ApiResult<ApiTokenPair>> RefreshAsClientAsync(string refreshToken, string clientId, string clientSecret,
        string? clientAddress, CancellationToken ct)
    {
        var request = ApiCalls.Request(HttpMethod.Post, "/connect/token", clientAddress: clientAddress);
        request.Content = new FormUrlEncodedContent(
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", clientId),
            new("client_secret", clientSecret),
        ]);
        return ApiCalls.SendAsync<ApiTokenPair>(http, request, ct);
    }

    public Task<ApiResult<ApiMessage>> LogoutAsync(string accessToken, string refreshToken, string? clientAddress, CancellationToken ct)
    {
        var request = ApiCalls.Request(HttpMethod.Post, "/api/v1/user/logout", clientAddress: clientAddress);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.TryAddWithoutValidation(RefreshTokenHeader, refreshToken);
        return ApiCalls.SendAsync<ApiMessage>(http, request, ct);
    }
}

public sealed record ApiMessage(string Message);
