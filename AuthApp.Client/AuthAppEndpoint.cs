namespace AuthApp.Client;

/// <summary>Where AuthApp is: its base URL, <c>https+http://{service}</c> resolved by service discovery unless configured.</summary>
public sealed class AuthAppEndpoint(Uri baseUri)
{
    public Uri BaseUri { get; } = baseUri;

    /// <summary>Metadata (discovery) comes over HTTPS unless AuthApp is reached by service discovery or plain localhost.</summary>
    public bool RequireHttpsMetadata => BaseUri.Scheme == Uri.UriSchemeHttps;
}
