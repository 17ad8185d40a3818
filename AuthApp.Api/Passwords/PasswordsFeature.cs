using AuthApp.Data.Passwords;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Passwords;

/// <summary>Hashing (the format and the Django pepper live in AuthApp.Data, shared with the migration worker), its concurrency gate, and Django's validators.</summary>
public static class PasswordsFeature
{
    public static IServiceCollection AddPasswords(this IServiceCollection services)
    {
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddPasswordHasher();
        services.AddOptions<HashingConcurrencyOptions>().BindConfiguration(HashingConcurrencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordPolicyOptions>().BindConfiguration(PasswordPolicyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PasswordHashingGate>();
        services.AddSingleton(sp =>
        {
            var concurrency = sp.GetRequiredService<IOptions<HashingConcurrencyOptions>>().Value;
            return new HashingThreads(concurrency.EffectiveConcurrency, concurrency.LowerPriority,
                sp.GetRequiredService<ILogger<HashingThreads>>());
        });
        // One warm Argon2id workspace per hashing slot (PasswordHasher takes it; see Argon2idWorkspacePool).
        services.AddSingleton(sp => new Argon2idWorkspacePool(
            sp.GetRequiredService<IOptions<PasswordHashingOptions>>().Value.MemorySizeKiB,
            sp.GetRequiredService<IOptions<HashingConcurrencyOptions>>().Value.EffectiveConcurrency));
        services.AddSingleton<CommonPasswords>();
        services.AddSingleton<PasswordValidator>();
        services.AddHostedService<DjangoPepperStartupLog>();
        services.AddHostedService<PasswordHashingWarmup>();
        return services;
    }
}
