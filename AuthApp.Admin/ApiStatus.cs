using AuthApp.Admin.Api;

namespace AuthApp.Admin;

/// <summary>Whether the API answered the page's last call; the layout shows a banner while it does not.</summary>
public sealed class ApiStatus
{
    public string? Outage { get; private set; }

    public event Action? Changed;

    public void Failed(ApiUnavailableException failure)
    {
        Outage = failure.MayHaveApplied
            ? $"{failure.Message} The change may or may not have been made (the API makes each change whole or not at all); reload to see the current state."
            : $"{failure.Message} Nothing was changed. Try again in a moment.";
        Changed?.Invoke();
    }

    public void Answered()
    {
        if (Outage is not null)
        {
            Outage = null;
            Changed?.Invoke();
        }
    }
}
