namespace AuthApp.MigrationService.DjangoImport;

public static class DjangoImportExtensions
{
    public static IServiceCollection AddDjangoImport(this IServiceCollection services)
    {
        services.AddOptions<DjangoImportOptions>().BindConfiguration(DjangoImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DjangoImporter>();
        return services;
    }
}
