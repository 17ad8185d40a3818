using AuthApp.Data.Passwords;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>The API fills its Argon2id workspaces at start, before anyone logs in.</summary>
[Collection(InProcessCollection.Name)]
public sealed class HashingWarmupTests(ServersFixture servers, ITestOutputHelper output)
    : InProcessTest(servers, output, ("Passwords:Hashing:MaxConcurrentHashes", "2"))
{
    [Fact]
    public async Task Every_hashing_slot_has_a_warm_workspace_soon_after_start_without_a_login()
    {
        using var health = await Api.GetAsync("/api/health"); // starts the host
        var pool = App.Services.GetRequiredService<Argon2idWorkspacePool>();
        Assert.Equal(2, pool.Capacity);
        for (var i = 0; i < 100 && pool.Created < pool.Capacity; i++)
        {
            await Task.Delay(100);
        }
        Assert.Equal(pool.Capacity, pool.Created);
    }
}
