using Aspire.Hosting.ApplicationModel;

namespace AuthApp.AppHost;

/// <summary>
/// What a service declared with <see cref="AuthAppClients.WithAuthApp"/> may do: the scopes its tokens carry and the
/// services (audiences) they are for. Its client id is its resource name.
/// </summary>
public sealed class AuthAppClientOptions
{
    internal HashSet<string> Scopes { get; } = new(StringComparer.Ordinal);
    internal HashSet<string> Audiences { get; } = new(StringComparer.Ordinal);
    internal (string Callback, string SignedOutCallback)? SignIn { get; private set; }
    internal bool SignUp { get; private set; }
    internal bool IsPublic { get; private set; }

    /// <summary>Its tokens are for <paramref name="service"/> (their <c>aud</c>), with these scopes.</summary>
    public AuthAppClientOptions MayCall(IResource service, params string[] scopes)
    {
        Audiences.Add(service.Name);
        Scopes.UnionWith(scopes);
        return this;
    }

    /// <summary>
    /// People sign in to this app through AuthApp (authorization code with PKCE, first-party: no consent screen). Its
    /// redirect URIs are its own endpoints' URLs with these paths — ASP.NET Core's OpenIdConnect handler's defaults.
    /// </summary>
    public AuthAppClientOptions SignsPeopleIn(string callbackPath = "/signin-oidc", string signedOutCallbackPath = "/signout-callback-oidc")
    {
        SignIn = (callbackPath, signedOutCallbackPath);
        return this;
    }

    /// <summary>
    /// A single-page or native app that signs people in (with <see cref="SignsPeopleIn"/>): a public client, given no secret
    /// because it could not keep one; PKCE is what protects its codes. It gets no service tokens (client credentials).
    /// </summary>
    public AuthAppClientOptions AsPublicClient()
    {
        IsPublic = true;
        return this;
    }

    /// <summary>People without an account may create one on the sign-in page this app sends them to (with <see cref="SignsPeopleIn"/>).</summary>
    public AuthAppClientOptions LetsPeopleSignUp()
    {
        SignUp = true;
        return this;
    }
}

/// <summary>A service's client registration, read by the migration worker's environment.</summary>
public sealed record AuthAppClientAnnotation(string ClientId, ParameterResource? Secret, AuthAppClientOptions Options,
    IReadOnlyList<EndpointReference> Endpoints) : IResourceAnnotation;

public static class AuthAppClients
{
    /// <summary>
    /// Makes <paramref name="service"/> an AuthApp client: it finds the API by service discovery, gets a client id (its
    /// resource name) and, unless it is a public client, a secret (the generated, persisted parameter
    /// <c>{name}-client-secret</c>), and is registered by the migration worker before the API serves. With the client
    /// integration's <c>AddAuthApp("api")</c> it then validates AuthApp's tokens (its own audience is its name), sees
    /// logouts, and calls the services it may call. Any resource with endpoints and an environment can be one — a .NET
    /// project, or a JavaScript front end declared as a public client.
    /// </summary>
    public static IResourceBuilder<T> WithAuthApp<T>(this IResourceBuilder<T> service, IResourceBuilder<ProjectResource> api,
        Action<AuthAppClientOptions>? configure = null)
        where T : IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport
    {
        var options = new AuthAppClientOptions();
        configure?.Invoke(options);
        var name = service.Resource.Name;
        service.WithReference(api).WaitFor(api)
            .WithEnvironment("AuthApp__ClientId", name)
            .WithEnvironment("AuthApp__Audience", name);
        ParameterResource? secret = null;
        if (!options.IsPublic)
        {
            var parameter = service.ApplicationBuilder.AddParameter($"{name}-client-secret",
                new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);
            service.WithEnvironment("AuthApp__ClientSecret", parameter);
            secret = parameter.Resource;
        }
        return service.WithAnnotation(new AuthAppClientAnnotation(name, secret, options, HttpEndpoints(service)));
    }

    /// <summary>The app's HTTP and HTTPS endpoints, whose URLs its sign-in redirect URIs start with.</summary>
    private static List<EndpointReference> HttpEndpoints<T>(IResourceBuilder<T> service) where T : IResourceWithEndpoints =>
        [.. service.Resource.Annotations.OfType<EndpointAnnotation>()
            .Where(e => e.UriScheme is "http" or "https")
            .Select(e => service.GetEndpoint(e.Name))];

    /// <summary>
    /// The migration worker writes every declared client (id, hashed secret, scopes, audiences), read from the app model
    /// when it starts, so a declaration anywhere in the AppHost reaches it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDeclaredClients(this IResourceBuilder<ProjectResource> migrations) =>
        migrations.WithEnvironment(context =>
        {
            var declared = migrations.ApplicationBuilder.Resources
                .SelectMany(r => r.Annotations.OfType<AuthAppClientAnnotation>())
                .OrderBy(c => c.ClientId, StringComparer.Ordinal)
                .ToList();
            for (var i = 0; i < declared.Count; i++)
            {
                var (clientId, secret, options, endpoints) = declared[i];
                var prefix = $"OAuth__Clients__{i}__";
                context.EnvironmentVariables[prefix + "ClientId"] = clientId;
                if (secret is not null)
                {
                    context.EnvironmentVariables[prefix + "Secret"] = secret;
                }
                if (options.IsPublic)
                {
                    context.EnvironmentVariables[prefix + "Public"] = "true";
                }
                var scopes = options.Scopes.Order(StringComparer.Ordinal).ToList();
                for (var s = 0; s < scopes.Count; s++)
                {
                    context.EnvironmentVariables[$"{prefix}Scopes__{s}"] = scopes[s];
                }
                var audiences = options.Audiences.Order(StringComparer.Ordinal).ToList();
                for (var a = 0; a < audiences.Count; a++)
                {
                    context.EnvironmentVariables[$"{prefix}Audiences__{a}"] = audiences[a];
                }
                if (options.SignIn is { } signIn)
                {
                    context.EnvironmentVariables[prefix + "AllowSignUp"] = options.SignUp ? "true" : "false";
                    for (var e = 0; e < endpoints.Count; e++)
                    {
                        var url = endpoints[e].Property(EndpointProperty.Url);
                        context.EnvironmentVariables[$"{prefix}RedirectUris__{e}"] = ReferenceExpression.Create($"{url}{signIn.Callback}");
                        context.EnvironmentVariables[$"{prefix}PostLogoutRedirectUris__{e}"] =
                            ReferenceExpression.Create($"{url}{signIn.SignedOutCallback}");
                    }
                }
            }
        });
}
