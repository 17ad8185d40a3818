namespace AuthApp.Data;

/// <summary>
/// The names the AppHost gives PostgreSQL's database, Redis and the mail server; the services find their
/// connection strings under them (<c>ConnectionStrings:authdb</c>, <c>ConnectionStrings:cache</c>, <c>ConnectionStrings:mail</c>). One definition
/// for the AppHost and the services, so the names cannot drift apart.
/// </summary>
public static class ResourceNames
{
    public const string Database = "authdb";
    public const string Cache = "cache";
    public const string Mail = "mail";
}
