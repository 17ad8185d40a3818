using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthApp.Tests.InProcess;

/// <summary>Staff accounts for in-process tests: the servers have no seeded superuser, so a registered user is promoted in the database.</summary>
public static class StaffUsers
{
    public static async Task<TestUser> RegisterStaffAsync(this InProcessApi app)
    {
        var user = await app.Client.RegisterAndLoginAsync();
        await app.WithDatabaseAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.IsStaff, true)));
        var staff = await app.Client.LoginAsync(user.Email, user.Password); // a new token, with the staff role
        return user with { AccessToken = staff.Access, RefreshToken = staff.Refresh };
    }

    public static async Task<T> WithDatabaseAsync<T>(this InProcessApi app, Func<AuthDbContext, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AuthDbContext>());
    }
}
