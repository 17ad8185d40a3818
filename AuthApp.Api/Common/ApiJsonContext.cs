using System.Text.Json;
using System.Text.Json.Serialization;
using AuthApp.Api.Admin;
using AuthApp.Api.Auth;
using AuthApp.Api.Health;
using AuthApp.Api.Recovery;
using AuthApp.Api.Sessions;
using AuthApp.Api.Users;

namespace AuthApp.Api.Common;

/// <summary>
/// Source-generated JSON for every request and response: no reflection on the hot path, snake_case
/// names as the Django clients expect, and unknown request fields refused rather than ignored.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    MaxDepth = 16)]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(UserSessionList))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(ForgotPasswordRequest))]
[JsonSerializable(typeof(ResetPasswordRequest))]
[JsonSerializable(typeof(ConfirmEmailRequest))]
[JsonSerializable(typeof(CreatedUserResponse))]
[JsonSerializable(typeof(UserProfile))]
[JsonSerializable(typeof(UpdateUserResponse))]
[JsonSerializable(typeof(Page<PublicUser>))]
[JsonSerializable(typeof(Page<AdminUser>))]
[JsonSerializable(typeof(AdminUser))]
[JsonSerializable(typeof(Page<AdminSession>))]
[JsonSerializable(typeof(Page<AuthApp.Api.Audit.AuditRecord>))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(AuthApp.Api.Factors.TotpEnrolment))]
[JsonSerializable(typeof(AuthApp.Api.Factors.FactorCodeRequest))]
[JsonSerializable(typeof(AuthApp.Api.Factors.RecoveryCodesResponse))]
[JsonSerializable(typeof(AuthApp.Api.Factors.FactorsResponse))]
[JsonSerializable(typeof(AuthApp.Api.Factors.SecondFactorRequest))]
[JsonSerializable(typeof(AuthApp.Api.Factors.PasskeyCeremonyResponse))]
[JsonSerializable(typeof(AuthApp.Api.Factors.PasskeyRegistrationRequest))]
[JsonSerializable(typeof(AuthApp.Api.Factors.PasskeyAnswer))]
[JsonSerializable(typeof(AuthApp.Api.Factors.PasskeyView))]
[JsonSerializable(typeof(IReadOnlyList<AuthApp.Api.Factors.PasskeyView>))]
[JsonSerializable(typeof(AuthApp.Api.Factors.PasskeyRenameRequest))]
[JsonSerializable(typeof(AuthApp.Api.Factors.FactorChangeProof))]
[JsonSerializable(typeof(AuthApp.Api.Factors.LoginChallengeRequest))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(TokenPairResponse))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(ApiHealthEndpoint.HealthStatus))]
[JsonSerializable(typeof(AuthApp.Api.Tokens.Keys.JsonWebKeySetResponse))]
[JsonSerializable(typeof(AuthApp.Api.Tokens.Keys.SigningKeyInfo))]
[JsonSerializable(typeof(List<AuthApp.Api.Tokens.Keys.SigningKeyInfo>))]
[JsonSerializable(typeof(AuthApp.Api.OAuth.RevocationFeedPage))]
[JsonSerializable(typeof(AuthApp.Api.OAuth.ClientInfo))]
[JsonSerializable(typeof(List<AuthApp.Api.OAuth.ClientInfo>))]
[JsonSerializable(typeof(AuthApp.Api.OAuth.ClientWithSecret))]
[JsonSerializable(typeof(AuthApp.Api.OAuth.CreateClientRequest))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
