using System.Reflection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace AuthApp.Api.OAuth;

/// <summary>
/// OpenIddict answers its own endpoints from inside the authentication middleware, which asks its handler about every
/// request: for each one it opens a transaction and builds absolute URIs to compare with each of its endpoints'. On
/// <c>GET /user/me</c> that was a fifth of all the bytes the API allocated (docs/performance.md). The gate hands
/// OpenIddict only the requests whose path could be one of its endpoints; for those, it runs OpenIddict's handler
/// exactly where and as the authentication middleware did (<see cref="UseOpenIddictEndpoints"/>).
/// </summary>
public static class OpenIddictRequestGate
{
    private const string Scheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static IServiceCollection AddOpenIddictRequestGate(this IServiceCollection services)
    {
        services.AddSingleton<IAuthenticationSchemeProvider, SchemesWithoutOpenIddictRequests>();
        services.AddSingleton<OpenIddictEndpointPaths>();
        return services;
    }

    /// <summary>Where the authentication middleware would have run OpenIddict's request handler: just before it.</summary>
    public static IApplicationBuilder UseOpenIddictEndpoints(this IApplicationBuilder app)
    {
        var paths = app.ApplicationServices.GetRequiredService<OpenIddictEndpointPaths>();
        return app.Use(next => context => paths.MayMatch(context.Request.PathBase, context.Request.Path)
            ? OpenIddictOrNextAsync(context, next)
            : next(context));
    }

    private static async Task OpenIddictOrNextAsync(HttpContext context, RequestDelegate next)
    {
        // As the authentication middleware does before it asks any request handler.
        context.Features.Set<IAuthenticationFeature>(new AuthenticationFeature
        {
            OriginalPath = context.Request.Path,
            OriginalPathBase = context.Request.PathBase,
        });
        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        if (await handlers.GetHandlerAsync(context, Scheme) is IAuthenticationRequestHandler handler && await handler.HandleRequestAsync())
        {
            return;
        }
        await next(context);
    }

    /// <summary>The registered schemes, except that OpenIddict's is not offered as a handler of every request.</summary>
    private sealed class SchemesWithoutOpenIddictRequests(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
    {
        private sealed record Filtered(IEnumerable<AuthenticationScheme> All, AuthenticationScheme[] Others);

        // One immutable pair, swapped whole: a reader never sees a new list beside an old filtered one.
        private Filtered _cached = new([], []);

        public override async Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync()
        {
            var all = await base.GetRequestHandlerSchemesAsync();
            var cached = Volatile.Read(ref _cached);
            if (!ReferenceEquals(all, cached.All)) // the base hands out one array until a scheme is added or removed
            {
                cached = new Filtered(all, all.Where(scheme => scheme.Name != Scheme).ToArray());
                Volatile.Write(ref _cached, cached);
            }
            return cached.Others;
        }
    }
}

/// <summary>
/// The paths OpenIddict's endpoints can be reached at, read from its options. <see cref="MayMatch"/> says yes to every
/// request OpenIddict would take as one of its endpoints (it compares paths without regard to case or one trailing
/// slash, relative endpoints under the request's base path), and may say yes to a few more, which OpenIddict then
/// declines as before. <c>OpenIddictRequestGateTests</c> compares the two on many paths.
/// </summary>
public sealed class OpenIddictEndpointPaths
{
    private readonly string[] _suffixes;

    public OpenIddictEndpointPaths(IOptions<OpenIddictServerOptions> options)
    {
        // Every list of endpoint addresses OpenIddict has, read by name so that one added by a later version counts too.
        var lists = typeof(OpenIddictServerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.Name.EndsWith("EndpointUris", StringComparison.Ordinal))
            .Select(property => property.GetValue(options.Value) as IEnumerable<Uri> ?? []);
        _suffixes = lists.SelectMany(uris => uris).Select(PathOf).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    public IReadOnlyList<string> Suffixes => _suffixes;

    public bool MayMatch(PathString pathBase, PathString path)
    {
        var requested = TrimSlash(pathBase.HasValue ? pathBase.Value + path.Value : path.Value ?? "");
        foreach (var suffix in _suffixes)
        {
            if (requested.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>"/connect/token" for both "connect/token" (relative to the base) and "https://host/base/connect/token".</summary>
    private static string PathOf(Uri uri)
    {
        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : "/" + uri.OriginalString.Split('?', '#')[0].TrimStart('/');
        return TrimSlash(Uri.UnescapeDataString(path)).ToString();
    }

    private static ReadOnlySpan<char> TrimSlash(string path) => path.AsSpan().TrimEnd('/');
}
