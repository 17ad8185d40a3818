using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthApp.Admin.Api;

// What the console reads from the API. Unknown fields are ignored (System.Text.Json's default), so the API may
// add fields — e-mail verification, more flags — without breaking the console.

public sealed record ApiUser(
    Guid Id, string Username, string Email, DateTimeOffset DateJoined, bool IsActive, bool IsStaff, DateTimeOffset? LastLogin)
{
    /// <summary>Fields the console does not know yet, shown as they come.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? More { get; init; }
}

public sealed record ApiSession(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset LastRefreshedAt, DateTimeOffset ExpiresAt, DateTimeOffset RefreshExpiresAt);

public sealed record ApiSigningKey(
    string Kid, string Algorithm, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt, DateTimeOffset? VerifiesUntil, bool Signing = false);

public sealed record ApiClient(
    string ClientId, string? DisplayName, IReadOnlyList<string> Scopes, IReadOnlyList<string> Audiences, bool Enabled,
    DateTimeOffset? DisabledAt, bool DeclaredInAppHost);

/// <summary>A client and its new secret, as the API shows it once.</summary>
public sealed record ApiClientWithSecret(ApiClient Client, string ClientSecret);

public sealed record ApiAuditEntry(
    Guid Id, DateTimeOffset OccurredAt, Guid ActorId, string ActorUsername, string Action,
    Guid? TargetUserId, string? TargetUsername, string? Subject, string? ClientAddress, string Outcome);

/// <summary>A page of a list; <see cref="Next"/> is the API's URL of the next page, whose cursor the console keeps.</summary>
public sealed record ApiPage<T>(IReadOnlyList<T> Results, string? Next)
{
    public string? NextCursor => Next is null ? null
        : Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(Next).Query).TryGetValue("cursor", out var cursor) ? cursor.ToString() : null;
}

public sealed record ApiLoginResponse(string AccessToken, string RefreshToken, int ExpiresIn, ApiLoginUser User);

public sealed record ApiLoginUser(Guid Id, string Username, string Email);

public sealed record ApiTokenPair(string AccessToken, string RefreshToken, int ExpiresIn);

/// <summary>A user's second factors as staff see them.</summary>
public sealed record ApiFactors(bool Totp, DateTimeOffset? TotpConfirmedAt, int RecoveryCodesLeft, int Passkeys = 0)
{
    public bool Any => Totp || Passkeys > 0;
}

public sealed record ApiMe(Guid Id, string Username, bool IsActive, bool IsStaff);

/// <summary>The filters of the users page.</summary>
public sealed record UserFilter(string? Search, string? IsActive, string? IsStaff);

/// <summary>The filters of the audit page, as typed (the API validates them).</summary>
public sealed record AuditFilter(string? Actor, string? Target, string? Action, string? From, string? To);

public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
