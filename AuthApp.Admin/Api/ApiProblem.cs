using System.Net;
using System.Text.Json;

namespace AuthApp.Admin.Api;

/// <summary>
/// An RFC 9457 problem from the API: its status, stable code, sentence for people, and field messages; and, for a login
/// that needs a second factor, the challenge that finishes it.
/// </summary>
public sealed record ApiProblem(HttpStatusCode Status, string Code, string Detail, IReadOnlyDictionary<string, string[]> Fields)
{
    public string? Challenge { get; init; }

    public static readonly IReadOnlyDictionary<string, string[]> NoFields = new Dictionary<string, string[]>();

    public IReadOnlyList<string> For(params string[] fields) =>
        fields.SelectMany(f => Fields.TryGetValue(f, out var messages) ? messages : []).ToList();

    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = response.StatusCode;
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = json.RootElement;
            // A problem (RFC 9457) from the API's routes, or an OAuth error (RFC 6749 §5.2) from its token endpoint.
            var code = Text(root, "code") ?? Text(root, "error") ?? "";
            var detail = Text(root, "detail") ?? Text(root, "error_description") ?? "";
            var fields = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    fields[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(m => m.GetString() ?? "").ToArray()
                        : [field.Value.ToString()];
                }
            }
            return new ApiProblem(status, code, detail.Length > 0 ? detail : $"The API answered {(int)status}.", fields)
            {
                Challenge = Text(root, "challenge"),
            };
        }
        catch (JsonException)
        {
            return new ApiProblem(status, "", $"The API answered {(int)status}.", NoFields);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>What the console gets back from the API: the value, or the problem the API answered with.</summary>
public readonly record struct ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null;

    public static implicit operator ApiResult<T>(T value) => new(value, null);
    public static implicit operator ApiResult<T>(ApiProblem problem) => new(default, problem);
}

/// <summary>The API could not be reached or failed (network error, timeout, open circuit, 5xx): nothing the console asked was confirmed.</summary>
public sealed class ApiUnavailableException(string message, bool mayHaveApplied, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// True when a change was sent but no answer came (a timeout): the API applies a change and its audit entry in one
    /// transaction, so it happened entirely or not at all, and the page must be reloaded to know which.
    /// </summary>
    public bool MayHaveApplied { get; } = mayHaveApplied;
}

/// <summary>The staff member's console session is over: signed out elsewhere, revoked, expired, or no longer staff.</summary>
public sealed class ConsoleSessionEndedException(string reason) : Exception(reason);
