namespace AuthApp.Api.Common;

public static class SecurityHeaders
{
    /// <summary>The SHA-256 of OpenIddict's form_post script, <c>document.form.submit();</c>.</summary>
    public const string FormPostScriptHash = "sha256-j7OoGArf6XW6YY4cAyS3riSSvrJRqpSi1fOF9vQ5SrI=";

    /// <summary>
    /// Headers for a JSON API that no browser should frame, sniff or cache: on every response.
    /// The interactive API reference (Development only) needs scripts, so it gets no CSP.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.SetBrowserHardeningHeaders();
                var path = context.Request.Path;
                var mailLinkPage = SignIn.SignInPaths.MailLinkPages.Any(page => path.StartsWithSegments(page));
                if (mailLinkPage)
                {
                    // The pages account mails link to: their stylesheet and the one script that reads the fragment's token.
                    headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'";
                }
                else if (path.StartsWithSegments("/account"))
                {
                    // The sign-in pages: their own stylesheet and passkey script (which asks its own page for WebAuthn
                    // options), nothing else. No form-action: after a sign-in the browser is redirected on to the app,
                    // which form-action would block in Chromium.
                    // data: images: the authenticator app's QR code is drawn inline (its key must not be fetchable by URL).
                    headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; " +
                        "img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";
                }
                else if (path.StartsWithSegments("/connect/authorize"))
                {
                    // response_mode=form_post (ASP.NET Core's OpenIdConnect handler asks for it): OpenIddict's page posts
                    // the code to the app with one inline script, allowed by its hash and nothing else.
                    headers.ContentSecurityPolicy = $"default-src 'none'; script-src '{FormPostScriptHash}'; base-uri 'none'; frame-ancestors 'none'";
                }
                else if (!path.StartsWithSegments("/scalar"))
                {
                    headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                }
                // Tokens and personal data must not sit in shared or browser caches.
                if (path.StartsWithSegments("/api") || path.StartsWithSegments("/account") || path.StartsWithSegments("/connect") || mailLinkPage)
                {
                    headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            });
            await next(context);
        });
}
