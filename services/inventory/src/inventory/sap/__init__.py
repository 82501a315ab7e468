"""The SAP integration: IDocs, OData payloads and business events in; goods movements out.

Every message is stored as it arrived (``sap_messages``) before a job in the worker
processes it; see ``services/inventory/README.md`` (SAP integration) for the whole story.
"""
