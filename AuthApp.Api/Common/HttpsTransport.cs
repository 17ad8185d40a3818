namespace AuthApp.Api.Common;

public static class HttpsTransport
{
    /// <summary>
    /// Outside Development: HSTS, and HTTP redirected to HTTPS — except the health probes, which
    /// orchestrators send over plain HTTP inside the cluster.
    /// </summary>
    public static WebApplication UseHttpsOutsideDevelopment(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            return app;
        }
        app.UseHsts();
        app.UseWhen(
            context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive"),
            branch => branch.UseHttpsRedirection());
        return app;
    }
}
