using System.Net;
using System.Net.Http.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AuthApp.Admin.Api;

/// <summary>Sends one request to the API and reads its answer: a value, a problem, or <see cref="ApiUnavailableException"/>.</summary>
public static class ApiCalls
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    public static async Task<ApiResult<T>> SendAsync<T>(HttpClient http, HttpRequestMessage request, CancellationToken ct)
    {
        var isChange = request.Method != HttpMethod.Get && request.Method != HttpMethod.Head;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new ApiUnavailableException("The AuthApp API is not reachable.", mayHaveApplied: false, ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new ApiUnavailableException("The AuthApp API is failing; the console stopped calling it for a few seconds.", mayHaveApplied: false, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new ApiUnavailableException("The AuthApp API did not answer in time.", mayHaveApplied: isChange, ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, ct))!;
            }
            if ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                // The API writes a change and its audit entry in one transaction: a failure leaves nothing half-done.
                throw new ApiUnavailableException($"The AuthApp API failed ({(int)response.StatusCode}).", mayHaveApplied: false);
            }
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                throw new ApiUnavailableException("The AuthApp API is unavailable (503).", mayHaveApplied: false);
            }
            return await ApiProblem.ReadAsync(response, ct);
        }
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, object? body = null, string? clientAddress = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: ApiJson.Options);
        }
        if (clientAddress is not null)
        {
            // The API believes this only from a proxy it trusts (loopback by default; ForwardedHeaders:KnownProxies).
            request.Headers.TryAddWithoutValidation(ForwardedForHeader, clientAddress);
        }
        return request;
    }
}
