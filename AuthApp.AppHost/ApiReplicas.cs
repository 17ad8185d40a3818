using System.Globalization;
using AuthApp.AppHost.Infrastructure;

namespace AuthApp.AppHost;

/// <summary>How many API instances the AppHost runs (<c>AuthApp:Api:Replicas</c>, default 1).</summary>
public static class ApiReplicas
{
    public const string SettingName = "AuthApp:Api:Replicas";

    public static int Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return 1;
        }
        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) && replicas > 0)
        {
            return replicas;
        }
        throw new InfrastructureException(
            $"{SettingName} must be a positive whole number, not '{value}'. Set {SettingName}=2 (or more) for several API instances, or leave it unset for one.");
    }
}
