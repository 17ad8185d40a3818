using Xunit.Abstractions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// A test of the distributed app: the API's and the staff console's lines written while the test ran go to its output,
/// which the runner shows when the test fails.
/// </summary>
public abstract class AppHostTest<TFixture>(TFixture fixture, ITestOutputHelper output) : IDisposable where TFixture : AppHostFixture
{
    private readonly int _logMark = fixture.ApiLogs.Count;
    private readonly int _adminLogMark = fixture.AdminLogs.Count;

    protected TFixture Fixture => fixture;
    protected HttpClient Api => fixture.Api;
    protected ITestOutputHelper Output => output;

    public void Dispose()
    {
        foreach (var line in fixture.ApiLogs.Skip(_logMark))
        {
            output.WriteLine(line);
        }
        foreach (var line in fixture.AdminLogs.Skip(_adminLogMark))
        {
            output.WriteLine($"admin: {line}");
        }
        GC.SuppressFinalize(this);
    }
}
