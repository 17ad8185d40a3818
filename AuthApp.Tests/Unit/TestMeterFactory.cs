using System.Diagnostics.Metrics;

namespace AuthApp.Tests.Unit;

internal sealed class TestMeterFactory : IMeterFactory
{
    public Meter Create(MeterOptions options) => new(options);
    public void Dispose() { }
}
