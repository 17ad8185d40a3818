using System.Collections.Concurrent;
using AuthApp.Api.Email;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>The outbox sender with a transport the test controls: retries on the clock, and several instances sending each message once.</summary>
[Collection(InProcessCollection.Name)]
public sealed class OutboxTests(ServersFixture servers, ITestOutputHelper output) : IDisposable
{
    private readonly List<InProcessApi> _apis = [];

    private InProcessApi Start(IMailTransport transport, params (string Key, string Value)[] settings)
    {
        var api = servers.StartApi(services => services.AddSingleton(transport), settings);
        _apis.Add(api);
        _ = api.Client; // starts the host and its sender
        return api;
    }

    [Fact]
    public async Task Failed_attempts_are_retried_with_a_doubling_back_off_on_the_clock_and_the_mail_is_sent_once()
    {
        var transport = new FakeTransport { FailuresBeforeSuccess = 2 };
        var api = Start(transport, ("Email:Outbox:RetryBaseDelay", "00:01:00"), ("Email:Outbox:RetryMaxDelay", "00:10:00"));
        var user = await api.Client.RegisterAndLoginAsync();
        using (var forgot = await api.Client.PostJsonAsync("/api/v1/user/password/forgot", new { email = user.Email }))
        {
            Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        }

        await transport.WaitForAttemptsAsync(user.Email, 1);
        var first = await RowAsync(api, user.Email);
        Assert.Equal(1, first.Attempts);
        Assert.InRange(first.NextAttemptAt - api.Clock.GetUtcNow(), TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(73));
        Assert.Contains("refused", first.LastError);

        api.Clock.Advance(TimeSpan.FromSeconds(75));
        await transport.WaitForAttemptsAsync(user.Email, 2);
        var second = await RowAsync(api, user.Email);
        Assert.InRange(second.NextAttemptAt - api.Clock.GetUtcNow(), TimeSpan.FromSeconds(115), TimeSpan.FromSeconds(145));

        api.Clock.Advance(TimeSpan.FromSeconds(150));
        await transport.WaitForAttemptsAsync(user.Email, 3);
        await WaitUntilAsync(async () => (await RowAsync(api, user.Email)).SentAt is not null);
        var sent = await RowAsync(api, user.Email);
        Assert.Null(sent.SealedBody);
        Assert.Null(sent.LastError);

        api.Clock.Advance(TimeSpan.FromMinutes(30));
        await Task.Delay(500);
        Assert.Equal(1, transport.Delivered.Count(m => m.To == user.Email));
    }

    [Fact]
    public async Task A_recipient_refused_for_good_is_abandoned_without_retries()
    {
        var transport = new FakeTransport { Permanent = true, FailuresBeforeSuccess = int.MaxValue };
        var api = Start(transport);
        var user = await api.Client.RegisterAndLoginAsync();
        using (await api.Client.PostJsonAsync("/api/v1/user/password/forgot", new { email = user.Email })) { }

        await WaitUntilAsync(async () => (await RowOrNullAsync(api, user.Email))?.AbandonedAt is not null);
        var row = await RowAsync(api, user.Email);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.SealedBody);
    }

    [Fact]
    public async Task An_unexpected_error_while_sending_is_recorded_as_a_failed_attempt_and_retried()
    {
        var transport = new FakeTransport { FailuresBeforeSuccess = 1, Unexpected = true };
        var api = Start(transport, ("Email:Outbox:RetryBaseDelay", "00:01:00"));
        var user = await api.Client.RegisterAndLoginAsync();
        using (await api.Client.PostJsonAsync("/api/v1/user/password/forgot", new { email = user.Email })) { }

        await WaitUntilAsync(async () => (await RowOrNullAsync(api, user.Email))?.LastError is not null);
        var failed = await RowAsync(api, user.Email);
        Assert.Contains(nameof(InvalidOperationException), failed.LastError);
        Assert.Null(failed.LeasedUntil);

        api.Clock.Advance(TimeSpan.FromMinutes(2));
        await WaitUntilAsync(async () => (await RowAsync(api, user.Email)).SentAt is not null);
        Assert.Equal(2, (await RowAsync(api, user.Email)).Attempts);
    }

    [Fact]
    public async Task Two_instances_deliver_every_queued_message_exactly_once()
    {
        var transport = new FakeTransport { Delay = TimeSpan.FromMilliseconds(30) };
        (string, string)[] settings = [("Email:Outbox:BatchSize", "3")];
        var first = Start(transport, settings);
        var second = Start(transport, settings);

        var run = Guid.NewGuid().ToString("N")[..8];
        var recipients = Enumerable.Range(0, 40).Select(i => $"multi{run}n{i}@example.com").ToList();
        await using (var scope = first.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
            var sealer = scope.ServiceProvider.GetRequiredService<OutboxSealer>();
            var due = first.Clock.GetUtcNow() - TimeSpan.FromMinutes(1);
            foreach (var to in recipients)
            {
                var id = Guid.NewGuid();
                db.OutboxMessages.Add(new OutboxMessage
                {
                    Id = id,
                    Kind = "test",
                    Recipient = to,
                    NormalizedRecipient = to,
                    Subject = "test",
                    SealedBody = sealer.Seal(id, "text", "<p>html</p>"),
                    CreatedAt = due,
                    NextAttemptAt = due,
                });
            }
            await db.SaveChangesAsync();
        }
        first.Services.GetRequiredService<OutboxSignal>().Notify();
        second.Services.GetRequiredService<OutboxSignal>().Notify();

        await WaitUntilAsync(() => Task.FromResult(recipients.All(to => transport.Delivered.Any(m => m.To == to))));
        await Task.Delay(500);
        foreach (var to in recipients)
        {
            Assert.Equal(1, transport.Delivered.Count(m => m.To == to));
            var row = await RowAsync(first, to);
            Assert.NotNull(row.SentAt);
            Assert.Equal(1, row.Attempts);
        }
    }

    private static async Task<OutboxMessage> RowAsync(InProcessApi api, string recipient) =>
        await RowOrNullAsync(api, recipient) ?? throw new InvalidOperationException($"no outbox row for {recipient}");

    private static async Task<OutboxMessage?> RowOrNullAsync(InProcessApi api, string recipient)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuthDbContext>().OutboxMessages.AsNoTracking()
            .SingleOrDefaultAsync(m => m.NormalizedRecipient == recipient.ToLowerInvariant());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        foreach (var api in _apis)
        {
            api.WriteLogsTo(output);
            api.Dispose();
        }
    }

    /// <summary>Refuses the first N attempts per recipient (transient unless told otherwise), then accepts.</summary>
    private sealed class FakeTransport : IMailTransport, IMailConnection
    {
        private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.OrdinalIgnoreCase);

        public int FailuresBeforeSuccess { get; init; }
        public bool Permanent { get; init; }
        public bool Unexpected { get; init; }
        public TimeSpan Delay { get; init; }
        public ConcurrentQueue<OutgoingMail> Delivered { get; } = new();

        public Task<IMailConnection> ConnectAsync(CancellationToken ct) => Task.FromResult<IMailConnection>(this);

        public async Task SendAsync(OutgoingMail mail, CancellationToken ct)
        {
            var attempt = _attempts.AddOrUpdate(mail.To, 1, (_, n) => n + 1);
            await Task.Delay(Delay, ct);
            if (attempt <= FailuresBeforeSuccess)
            {
                throw Unexpected ? new InvalidOperationException("The test client broke.") : new MailDeliveryException("The test server refused the message.", Permanent);
            }
            Delivered.Enqueue(mail);
        }

        public async Task WaitForAttemptsAsync(string recipient, int attempts) =>
            await WaitUntilAsync(() => Task.FromResult(_attempts.GetValueOrDefault(recipient) >= attempts));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
