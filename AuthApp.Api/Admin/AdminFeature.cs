namespace AuthApp.Api.Admin;

/// <summary>Staff administration of users: list and search, (de)activate, staff role, end sessions.</summary>
public static class AdminFeature
{
    public static IServiceCollection AddAdmin(this IServiceCollection services) => services.AddScoped<AdminService>();

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGroup(ApiRoutes.Version1).MapAdminEndpoints();
        return app;
    }
}
