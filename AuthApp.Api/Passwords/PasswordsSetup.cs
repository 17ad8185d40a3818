namespace AuthApp.Api.Passwords;

public static class PasswordsSetup
{
    public static IServiceCollection AddPasswords(this IServiceCollection services)
    {
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordPolicyOptions>().BindConfiguration(PasswordPolicyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<PasswordHashingGate>();
        services.AddSingleton<CommonPasswords>();
        services.AddSingleton<PasswordValidator>();
        return services;
    }
}
