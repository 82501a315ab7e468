"""The maintenance service:
equipment, preventive maintenance plans, maintenance work orders, spare parts, MTBF/MTTR."""
