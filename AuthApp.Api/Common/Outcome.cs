namespace AuthApp.Api.Common;

/// <summary>
/// Why a service could not do what was asked: a stable <see cref="ErrorCodes">code</see> (which also
/// decides the HTTP status, in <see cref="OutcomeResults"/>), a sentence for people, the fields at
/// fault for validation failures, how long to wait when waiting helps, and what else the client needs to go on
/// (a login's second-factor challenge). Services know no HTTP.
/// </summary>
public sealed record Error(string Code, string Detail, IReadOnlyDictionary<string, string[]>? Fields = null, TimeSpan? RetryAfter = null,
    IReadOnlyDictionary<string, object?>? Extensions = null)
{
    public const string InvalidFieldsDetail = "The request has invalid fields.";

    public static Error Validation(FieldErrors errors) => new(ErrorCodes.ValidationFailed, InvalidFieldsDetail, errors.ToDictionary());

    public static Error Validation(string field, string message) =>
        new(ErrorCodes.ValidationFailed, InvalidFieldsDetail, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>What every feature service returns: the value, or the <see cref="Common.Error"/> that stopped it.</summary>
public readonly struct Outcome<T>
{
    private Outcome(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public Error? Error { get; }

    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Error error) => new(default, error);
}
