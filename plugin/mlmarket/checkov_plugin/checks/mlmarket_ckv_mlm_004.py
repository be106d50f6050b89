from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_004(MlmarketCheck):
    rule_id = "CKV_MLM_004"


check = CKV_MLM_004()
