namespace BlazorTickets.Features.Api.Resources;

public static class QuoteApi
{
    public static void Map(RouteGroupBuilder api)
    {
    }
}
