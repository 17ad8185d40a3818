using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// A test class with its own in-process API (its settings, its clock); what the API logged goes to the
/// test's output, which the runner shows when the test fails. Subclasses join <see cref="InProcessCollection"/>.
/// </summary>
public abstract class InProcessTest(ServersFixture servers, ITestOutputHelper output, params (string Key, string Value)[] settings) : IDisposable
{
    protected InProcessApi App { get; } = servers.StartApi(settings);
    protected HttpClient Api => App.Client;

    /// <summary>What the AppHost's smtp4dev received.</summary>
    protected MailInbox Mail { get; } = servers.Mail;

    public void Dispose()
    {
        App.WriteLogsTo(output);
        App.Dispose();
        GC.SuppressFinalize(this);
    }
}
