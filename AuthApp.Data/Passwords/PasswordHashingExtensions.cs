using Microsoft.Extensions.DependencyInjection;

namespace AuthApp.Data.Passwords;

public static class PasswordHashingExtensions
{
    /// <summary>
    /// The stored-hash format and the Django pepper, validated at start; for the API and the worker alike. The caller
    /// binds <see cref="PasswordHashingOptions"/> with data-annotation validation (a hosting package this project does not take).
    /// </summary>
    public static IServiceCollection AddPasswordHasher(this IServiceCollection services)
    {
        services.AddOptions<DjangoPasswordOptions>().BindConfiguration(DjangoPasswordOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<DjangoPasswordOptions>, DjangoPasswordOptionsValidator>();
        services.AddSingleton<PasswordHasher>();
        return services;
    }
}
