namespace AuthApp.Data;

/// <summary>
/// The ledger of imports from another system: which accounts an import created. A re-run finds its own
/// rows here (already imported) and tells them apart from accounts made in AuthApp with the same id;
/// a ledger row outlives its user, so an account deleted in AuthApp is not imported again.
/// </summary>
public sealed class ImportedUser
{
    public const string DjangoSource = "django";

    public Guid UserId { get; set; }
    public required string Source { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
}
