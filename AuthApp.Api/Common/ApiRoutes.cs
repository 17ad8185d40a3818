namespace AuthApp.Api.Common;

public static class ApiRoutes
{
    /// <summary>The original service's base path; every feature maps its routes below it.</summary>
    public const string Version1 = "/api/v1";
}
