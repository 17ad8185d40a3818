using Microsoft.Extensions.Options;

namespace AuthApp.Api.Email;

/// <summary>Account mail: an outbox in PostgreSQL, written with what it announces, delivered over SMTP by a background sender.</summary>
public static class EmailFeature
{
    public static IServiceCollection AddEmail(this IServiceCollection services)
    {
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section)
            .Configure<IConfiguration>(EmailOptionsValidator.BindConnectionString)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.RetryMaxDelay >= o.RetryBaseDelay, "Email:Outbox:RetryMaxDelay must be at least RetryBaseDelay.")
            .Validate(o => o.Lease > o.SmtpTimeout * 2, "Email:Outbox:Lease must be more than twice SmtpTimeout, so that a send ends before its claim does.")
            .ValidateOnStart();
        services.AddSingleton<OutboxSealer>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IMailTransport, SmtpMailTransport>();
        services.AddScoped<MailOutbox>();
        services.AddSingleton<OutboxSender>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxSender>());
        return services;
    }
}
