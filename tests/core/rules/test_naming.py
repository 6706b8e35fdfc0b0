"""The naming heuristics on real message names (from NServiceBus/MassTransit samples,
eShopOnContainers, Axon samples and public AsyncAPI specs), in every casing."""

from __future__ import annotations

import pytest

from designer.core.rules.name_reading import (
    as_command_name,
    as_event_name,
    normalised,
    read_name,
    split_words,
)

# name -> how it reads: "event" (ends in a past participle), "command" (imperative),
# "query" (asks), "noun" (none of these).
REAL_NAMES: dict[str, str] = {
    # events, regular -ed
    "OrderSubmitted": "event",
    "OrderPlaced": "event",
    "OrderStatusChangedToPaid": "event",
    "OrderStartedIntegrationEvent": "event",
    "ProductPriceChangedIntegrationEvent": "event",
    "UserCheckoutAcceptedIntegrationEvent": "event",
    "GracePeriodConfirmedIntegrationEvent": "event",
    "OrderStockConfirmed": "event",
    "CartItemAdded": "event",
    "AccountCreated": "event",
    "CustomerRegistered": "event",
    "InvoiceCancelled": "event",
    "InvoiceCanceled": "event",
    "ShipmentDelayed": "event",
    "PaymentAuthorized": "event",
    "PaymentAuthorised": "event",
    "order_submitted": "event",
    "order-shipped": "event",
    "ORDER_DELIVERED": "event",
    "order.created": "event",
    "OrderSubmittedV2": "event",
    "OrderSubmitted2": "event",
    "HTTPRequestFailed": "event",
    "OAuthTokenIssued": "event",
    "SMSDelivered": "event",
    "UserSignedUp": "event",
    "OrderCheckedOut": "event",
    "UserLoggedIn": "event",
    "ApplicationTimedOut": "event",
    "CreateOrderFailed": "event",
    "NewsFeedUpdated": "event",
    # events, irregular
    "PaymentSent": "event",
    "InvoicePaid": "event",
    "ImageBuilt": "event",
    "ParcelShipped": "event",
    "TicketSold": "event",
    "KeyLost": "event",
    "ItemBought": "event",
    "ReportWritten": "event",
    "CardFrozen": "event",
    "SeatHeld": "event",
    "DocumentTorn": "event",
    "CustomerFound": "event",
    "PasswordReset": "event",
    "PriceSet": "event",
    "MessageRead": "event",
    "TaskBegun": "event",
    # commands
    "SubmitOrder": "command",
    "PlaceOrder": "command",
    "ShipOrder": "command",
    "CancelOrder": "command",
    "SetPrice": "command",
    "ResetPassword": "command",
    "Reset": "command",
    "UpdateNewsFeed": "command",
    "MarkAsPaid": "command",
    "MarkOrderAsShipped": "command",
    "SendEmail": "command",
    "SetStatusToShipped": "command",
    "submit_order": "command",
    "create-customer": "command",
    "CreateOrderCommand": "command",
    "ProcessPayment": "command",
    "ReserveStock": "command",
    "ChargeCreditCard": "command",
    "RefundPayment": "command",
    "BuildImage": "command",
    # queries
    "GetOrderHistory": "query",
    "FindCustomer": "query",
    "ListProducts": "query",
    "get_order_status": "query",
    "FetchInvoice": "query",
    "SearchCatalogItems": "query",
    # plain nouns
    "OrderStatus": "noun",
    "CustomerBasket": "noun",
    "PaymentRequest": "noun",
    "Heartbeat": "noun",
}


def _reads_as(name: str) -> str:
    reading = read_name(name)
    if reading.past is not None:
        return "event"
    if reading.asks:
        return "query"
    if reading.verb is not None:
        return "command"
    return "noun"


def test_the_table_is_big_enough() -> None:
    assert len(REAL_NAMES) >= 60


@pytest.mark.parametrize(("name", "expected"), list(REAL_NAMES.items()))
def test_real_names_read_as_expected(name: str, expected: str) -> None:
    assert _reads_as(name) == expected


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("HTTPRequestFailed", ["HTTP", "Request", "Failed"]),
        ("order_submitted", ["order", "submitted"]),
        ("order-submitted", ["order", "submitted"]),
        ("orderSubmitted", ["order", "Submitted"]),
        ("ORDER_SUBMITTED", ["ORDER", "SUBMITTED"]),
        ("OrderSubmittedV2", ["Order", "Submitted", "V", "2"]),
    ],
)
def test_split_words_handles_acronyms_and_every_casing(name: str, words: list[str]) -> None:
    assert split_words(name) == words


@pytest.mark.parametrize(
    ("name", "event"),
    [
        ("SubmitOrder", "OrderSubmitted"),
        ("SendPayment", "PaymentSent"),
        ("PayInvoice", "InvoicePaid"),
        ("ShipParcel", "ParcelShipped"),
        ("BuildImage", "ImageBuilt"),
        ("ApplyDiscount", "DiscountApplied"),
        ("ResetPassword", "PasswordReset"),
        ("CancelOrder", "OrderCancelled"),
    ],
)
def test_event_name_suggestions(name: str, event: str) -> None:
    assert as_event_name(name) == event


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("OrderSubmitted", "SubmitOrder"),
        ("PaymentSent", "SendPayment"),
        ("InvoicePaid", "PayInvoice"),
        ("ParcelShipped", "ShipParcel"),
        ("OrderCancelled", "CancelOrder"),
        ("OrderCanceled", "CancelOrder"),
    ],
)
def test_command_name_suggestions(name: str, command: str) -> None:
    assert as_command_name(name) == command


def test_normalised_names_ignore_case_and_separators() -> None:
    assert (
        normalised("Order_Submitted")
        == normalised("order-submitted")
        == normalised("OrderSubmitted")
    )
